package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

/**
 * An HTTP route a channel serves under {@code /webhooks/<channel type>}. {@code path} is relative
 * to that prefix and may hold path parameters in braces, e.g. {@code chats/{chat}/messages}; an
 * empty path is the prefix itself.
 */
public record WebhookRoute(Method method, String path, WebhookHandler handler) {

  public enum Method {
    GET,
    POST,
    PUT,
    DELETE
  }

  public WebhookRoute {
    requireNonNull(method, "method is null");
    requireNonNull(path, "path is null");
    requireNonNull(handler, "handler is null");
    if (path.startsWith("/")) {
      throw new IllegalArgumentException("path is relative to /webhooks/<channel>: " + path);
    }
  }

  public static WebhookRoute get(String path, WebhookHandler handler) {
    return new WebhookRoute(Method.GET, path, handler);
  }

  public static WebhookRoute post(String path, WebhookHandler handler) {
    return new WebhookRoute(Method.POST, path, handler);
  }
}
