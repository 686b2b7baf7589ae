package dev.switchboard.plugin.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response from a channel's webhook route. */
public record WebhookResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  public WebhookResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    body = body == null ? new byte[0] : body;
    headers = Map.copyOf(headers);
  }

  public static WebhookResponse json(int status, String json) {
    return new WebhookResponse(
        status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static WebhookResponse text(int status, String text) {
    return new WebhookResponse(
        status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static WebhookResponse empty(int status) {
    return new WebhookResponse(status, null, new byte[0], Map.of());
  }

  public WebhookResponse withHeader(String name, String value) {
    java.util.HashMap<String, String> copy = new java.util.HashMap<>(headers);
    copy.put(name, value);
    return new WebhookResponse(status, contentType, body, copy);
  }
}
