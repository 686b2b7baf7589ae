package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An integrator of the webhook channel, as the README describes it: posts chat messages and
 * long-polls a chat's replies over HTTP/1.1. The same client posts to the bare Javalin reference
 * endpoint, which serves the same path.
 */
final class WebhookClient {
  static final String POST_PATH = "/webhooks/webhook";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration POST_TIMEOUT = Duration.ofSeconds(30);

  private final LoopbackHttp http;
  private final URI base;
  private final String token;

  WebhookClient(LoopbackHttp http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** A lean blocking HTTP/1.1 client (see {@link LoopbackHttp}); call it from virtual threads. */
  static LoopbackHttp newHttpClient() {
    return new LoopbackHttp(Duration.ofSeconds(5));
  }

  /**
   * The answer to a post: its status, its {@code Retry-After} (null when absent) and how long it
   * took from send to response.
   */
  record Ack(int status, String retryAfter, long nanos) {
    boolean stored() {
      return status == 202;
    }
  }

  /** One reply of a chat's feed. */
  record Reply(String id, String replyTo, String text) {}

  /** A page of a chat's feed: status 200 with replies and the next cursor, or a refusal. */
  record Page(int status, List<Reply> replies, String cursor) {}

  /** The body of a chat message from a fixed bench user. */
  static String body(String chat, String id, String text) {
    ObjectNode body = JSON.createObjectNode();
    body.put("chat", chat);
    body.put("id", id);
    body.putObject("sender").put("id", "bench-user").put("name", "Bench");
    body.put("text", text);
    return body.toString();
  }

  /** Posts a chat message; the time is taken around the request alone. */
  Ack post(String chat, String id, String text) throws IOException, InterruptedException {
    byte[] body = body(chat, id, text).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
    long start = System.nanoTime();
    LoopbackHttp.Response response = http.send("POST", base.resolve(POST_PATH), headers, body, POST_TIMEOUT);
    return new Ack(response.status(), response.retryAfter(), System.nanoTime() - start);
  }

  /**
   * Posts a chat message as an integrator that must get it in would: a {@code 503} (the gateway
   * shed it) is posted again, with the same id, after its {@code Retry-After} (1 s without one),
   * until another answer or {@code within} has passed. The id makes a repeat harmless: a message
   * is never stored twice. For setting up a run's sessions, not for measuring.
   */
  Ack postUntilTaken(String chat, String id, String text, Duration within)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      Ack ack = post(chat, id, text);
      if (ack.status() != 503) {
        return ack;
      }
      Duration wait = retryAfter(ack.retryAfter());
      if (System.nanoTime() + wait.toNanos() - deadline > 0) {
        return ack;
      }
      Pause.of(wait);
    }
  }

  private static Duration retryAfter(String header) {
    if (header != null && header.matches("\\d{1,4}")) {
      return Duration.ofSeconds(Math.max(1, Integer.parseInt(header)));
    }
    return Duration.ofSeconds(1);
  }

  /**
   * The replies of {@code chat} after {@code cursor} (null: from the start), waiting up to {@code
   * waitSeconds} for one.
   */
  Page poll(String chat, String cursor, int waitSeconds) throws IOException, InterruptedException {
    StringBuilder path =
        new StringBuilder(POST_PATH)
            .append("/chats/")
            .append(URLEncoder.encode(chat, StandardCharsets.UTF_8).replace("+", "%20"))
            .append("/messages?limit=1000&wait=")
            .append(waitSeconds);
    if (cursor != null) {
      path.append("&after=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    }
    LoopbackHttp.Response response =
        http.send(
            "GET",
            base.resolve(path.toString()),
            Map.of("Authorization", "Bearer " + token),
            null,
            Duration.ofSeconds(waitSeconds + 15L));
    if (response.status() != 200) {
      return new Page(response.status(), List.of(), cursor);
    }
    JsonNode root = JSON.readTree(response.body());
    List<Reply> replies = new ArrayList<>();
    for (JsonNode m : root.path("messages")) {
      replies.add(new Reply(text(m, "id"), text(m, "replyTo"), text(m, "text")));
    }
    return new Page(200, replies, text(root, "cursor"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
