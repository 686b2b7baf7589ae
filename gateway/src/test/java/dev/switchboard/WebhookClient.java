package dev.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An integrator of the webhook channel: posts messages and long-polls a chat's replies, as any
 * platform client would, over loopback HTTP.
 */
public final class WebhookClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final URI base;
  private final String token;

  public WebhookClient(HttpClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  /** An HTTP answer: its status and body. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("the answer is not JSON: " + body, e);
      }
    }

    /** The {@code status} field of a 202 to a post: stored, duplicate or dropped. */
    public String outcome() {
      return json().path("status").asText("");
    }
  }

  /** One entry of a chat's reply feed. */
  public record Reply(
      String id, long seq, String chat, String thread, String kind, String text, String replyTo) {}

  /** A page of replies and the cursor to read on from. */
  public record Page(List<Reply> messages, String cursor) {}

  /** A GET of the feed that was answered, but not with 200. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    public final int status;

    public Refused(int status, String body) {
      super("answered " + status + ": " + body);
      this.status = status;
    }
  }

  /** Posts a chat message from a fixed sender. */
  public Answer post(String chat, String id, String text) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("chat", chat);
    body.putNull("thread");
    body.put("id", id);
    body.putObject("sender").put("id", "user-" + chat).put("name", "Tester");
    body.put("text", text);
    return postJson(body.toString());
  }

  /** Posts a raw JSON body. */
  public Answer postJson(String json) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/webhooks/webhook"))
            .timeout(POST_TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body());
  }

  /**
   * Replies of {@code chat} after {@code after} (null: from the start), waiting up to {@code
   * waitSeconds} for one; a refusal (404 for a chat not known yet, 503, 400) is a {@link Refused}.
   */
  public Page fetch(String chat, String after, int waitSeconds) throws IOException, InterruptedException {
    return fetch(chat, after, waitSeconds, 100);
  }

  public Page fetch(String chat, String after, int waitSeconds, int limit)
      throws IOException, InterruptedException {
    StringBuilder path =
        new StringBuilder("/webhooks/webhook/chats/")
            .append(URLEncoder.encode(chat, StandardCharsets.UTF_8).replace("+", "%20"))
            .append("/messages?wait=")
            .append(waitSeconds)
            .append("&limit=")
            .append(limit);
    if (after != null) {
      path.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
    }
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path.toString()))
            .timeout(Duration.ofSeconds(waitSeconds + 10L))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new Refused(response.statusCode(), response.body());
    }
    JsonNode root = JSON.readTree(response.body());
    List<Reply> replies = new ArrayList<>();
    for (JsonNode m : root.path("messages")) {
      replies.add(
          new Reply(
              text(m, "id"),
              m.path("seq").asLong(),
              text(m, "chat"),
              text(m, "thread"),
              text(m, "kind"),
              text(m, "text"),
              text(m, "replyTo")));
    }
    return new Page(replies, text(root, "cursor"));
  }

  /** Every reply of {@code chat} from the start, page by page, without waiting. */
  public List<Reply> fetchAll(String chat) throws IOException, InterruptedException {
    List<Reply> all = new ArrayList<>();
    String cursor = null;
    while (true) {
      Page page = fetch(chat, cursor, 0, 1000);
      if (page.messages().isEmpty()) {
        return all;
      }
      all.addAll(page.messages());
      cursor = page.cursor();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
