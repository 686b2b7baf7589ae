package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A started webhook channel over a fake gateway, with its routes callable directly. */
final class Harness implements AutoCloseable {
  static final String TOKEN = "integrator-token-0123456789";
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  final FakeChannelContext context;
  final WebhookChannel channel;

  Harness(Path dataDir) throws IOException {
    this(dataDir, Map.of());
  }

  Harness(Path dataDir, Map<String, String> extraSettings) throws IOException {
    Map<String, String> values = new HashMap<>(extraSettings);
    values.putIfAbsent("token", TOKEN);
    context = new FakeChannelContext(dataDir);
    channel =
        new WebhookChannel(
            WebhookSettings.from(Settings.of("channels.webhook", values)),
            context,
            Clock.fixed(NOW, ZoneOffset.UTC));
    channel.start();
  }

  WebhookResponse post(String body) {
    return post("Bearer " + TOKEN, body);
  }

  WebhookResponse post(String authorization, String body) {
    return postBytes(authorization, body.getBytes(UTF_8));
  }

  /** Posts {@code body} to the route at {@code path} (under /webhooks/webhook/) with the token. */
  WebhookResponse postTo(String path, String body) {
    WebhookRequest request =
        new WebhookRequest(
            "POST",
            "/webhooks/webhook/" + path,
            Map.of(),
            Map.of(),
            Map.of("Authorization", List.of("Bearer " + TOKEN)),
            body.getBytes(UTF_8),
            "127.0.0.1");
    return route(WebhookRoute.Method.POST, path).handler().handle(request);
  }

  WebhookResponse postBytes(String authorization, byte[] body) {
    Map<String, List<String>> headers =
        authorization == null ? Map.of() : Map.of("Authorization", List.of(authorization));
    WebhookRequest request =
        new WebhookRequest(
            "POST",
            "/webhooks/webhook",
            Map.of(),
            Map.of(),
            headers,
            body,
            "127.0.0.1");
    return route(WebhookRoute.Method.POST, "").handler().handle(request);
  }

  WebhookResponse get(String chat, Map<String, String> query) {
    return get("Bearer " + TOKEN, chat, query);
  }

  WebhookResponse get(String authorization, String chat, Map<String, String> query) {
    Map<String, List<String>> queryLists = new HashMap<>();
    query.forEach((name, value) -> queryLists.put(name, List.of(value)));
    WebhookRequest request =
        new WebhookRequest(
            "GET",
            "/webhooks/webhook/chats/" + chat + "/messages",
            Map.of("chat", chat),
            queryLists,
            Map.of("Authorization", List.of(authorization)),
            null,
            "127.0.0.1");
    return route(WebhookRoute.Method.GET, "chats/{chat}/messages").handler().handle(request);
  }

  DeliveryResult deliver(String id, String chat, OutboundContent content) {
    return channel.deliver(new OutboundMessage(id, 1, chat, null, null, content, 1));
  }

  private WebhookRoute route(WebhookRoute.Method method, String path) {
    return channel.webhookRoutes().stream()
        .filter(route -> route.method() == method && route.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + method + " " + path));
  }

  static JsonNode json(WebhookResponse response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    channel.close();
  }
}
