package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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

  private final HttpClient http;
  private final URI base;

  GatewayProbe(HttpClient http, URI base) {
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
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    // /ready answers 503 with the same body when something is not ready; its figures still hold.
    return response.body();
  }
}
