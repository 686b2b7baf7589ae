package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real gateway in this process (Javalin on a free port), over a test's own folders. */
final class GatewayRun implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));
  static final String WEBHOOK_TOKEN = "plugins-test-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  private GatewayRun(Gateway gateway) {
    this.gateway = gateway;
    this.base = "http://127.0.0.1:" + gateway.port();
  }

  /** Starts a gateway configured by {@code yaml}: data in {@code dir}, jars in {@code plugins}. */
  static GatewayRun start(Path dir, Path plugins, String yaml) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", plugins.toString());
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", WEBHOOK_TOKEN);
    GatewayConfig config = new ConfigLoader(env).parse(yaml, "test.yaml");
    return new GatewayRun(Gateway.start(config, Clock.systemUTC()));
  }

  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Authorization", "Bearer " + WEBHOOK_TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + WEBHOOK_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code http://127.0.0.1:<port>}, the gateway's address. */
  String base() {
    return base;
  }

  /** {@code /ready}'s body. */
  JsonNode ready() throws IOException, InterruptedException {
    return JSON.readTree(get("/ready", Duration.ofSeconds(10)).body());
  }

  @Override
  public void close() {
    gateway.close();
  }
}
