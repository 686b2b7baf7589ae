package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * What the gateway says about itself over HTTP: replies delivered so far ({@code /metrics}) and
 * agents running or waiting for a slot ({@code /ready}). Used to wait for states the driver cannot
 * see in the webhook feeds alone, without reading the gateway's files.
 */
final class GatewayProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DELIVERED =
      "switchboard_delivery_attempts_total{outcome=\"delivered\"} ";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final LoopbackHttp http;
  private final URI base;

  GatewayProbe(LoopbackHttp http, URI base) {
    this.http = http;
    this.base = base;
  }

  /** Agents running (or starting) and sessions waiting for a slot. */
  record Agents(int running, int queued) {
    boolean none() {
      return running == 0 && queued == 0;
    }
  }

  /** Replies delivered since the gateway started. */
  long delivered() throws IOException, InterruptedException {
    return deliveredIn(get("/metrics"));
  }

  Agents agents() throws IOException, InterruptedException {
    JsonNode agents = JSON.readTree(get("/ready")).path("agents");
    return new Agents(agents.path("running").asInt(-1), agents.path("queued").asInt(-1));
  }

  /** Inbound requests the gateway shed so far, by the bound they met (empty: it does not shed). */
  record Shed(long inFlight, long backlog) {
    Shed minus(Shed earlier) {
      return new Shed(inFlight - earlier.inFlight, backlog - earlier.backlog);
    }
  }

  java.util.Optional<Shed> shed() throws IOException, InterruptedException {
    return shedIn(get("/metrics"));
  }

  static java.util.Optional<Shed> shedIn(String metrics) {
    java.util.OptionalLong inFlight = value(metrics, "switchboard_inbound_shed_total{reason=\"in_flight\"} ");
    java.util.OptionalLong backlog = value(metrics, "switchboard_inbound_shed_total{reason=\"backlog\"} ");
    if (inFlight.isEmpty() || backlog.isEmpty()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Shed(inFlight.getAsLong(), backlog.getAsLong()));
  }

  private static java.util.OptionalLong value(String metrics, String prefix) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        return java.util.OptionalLong.of(Long.parseLong(line.substring(prefix.length()).trim()));
      }
    }
    return java.util.OptionalLong.empty();
  }

  /** The delivered count of a {@code /metrics} text. */
  static long deliveredIn(String metrics) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(DELIVERED)) {
        return Long.parseLong(line.substring(DELIVERED.length()).trim());
      }
    }
    throw new IllegalStateException("/metrics has no delivered count:\n" + metrics);
  }

  private String get(String path) throws IOException, InterruptedException {
    LoopbackHttp.Response response = http.send("GET", base.resolve(path), Map.of(), null, TIMEOUT);
    // /ready answers 503 with the same body when something is not ready; its figures still hold.
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
