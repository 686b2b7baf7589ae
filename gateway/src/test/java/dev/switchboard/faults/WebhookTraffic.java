package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Messages through a gateway's webhook channel, with the books kept: which message ids were
 * answered 202 (and so must get a reply), and, reading every chat's reply feed, which of them got
 * one and how many replies were sent twice.
 */
public final class WebhookTraffic {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final IntSupplier port;
  private final String token;
  private final List<String> chats;
  /** Message id → chat, for every message answered 202. */
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  private final Set<String> refusedStatuses = ConcurrentHashMap.newKeySet();

  /**
   * @param port the gateway's port now (it stays the same across restarts of a GatewayProcess)
   */
  public WebhookTraffic(IntSupplier port, String token, List<String> chats) {
    this.port = port;
    this.token = token;
    this.chats = List.copyOf(chats);
  }

  /** An answer to a post: its status, or -1 when the gateway could not be reached. */
  public record Posted(int status, String retryAfter, String body) {}

  /** The outcome for every message answered 202: ids without a reply, and replies sent twice. */
  public record Outcome(List<String> lost, long repeated, long replies) {}

  public long accepted() {
    return accepted.size();
  }

  public String chatOf(int n) {
    return chats.get(Math.floorMod(n, chats.size()));
  }

  /**
   * Posts {@code count} messages ({@code <prefix>-0}, …) round robin over the chats; each must be
   * stored (202). {@code context} (the gateway's log, say) is added to a failure.
   */
  public void sendAccepted(String prefix, int count, Supplier<String> context) {
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      Posted posted = post(chatOf(i), id, prefix + " " + i);
      assertEquals(202, posted.status(), id + ": " + posted + "\n" + context.get());
    }
  }

  /**
   * Sends a refused message again every {@code pace}, as a platform would, until it is stored;
   * meanwhile only 503 may come, and it fails once {@code timeout} has passed.
   */
  public void retryUntilStored(
      String chat, String id, Duration pace, Duration timeout, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Posted posted = post(chat, id, "retried " + id);
      if (posted.status() == 202) {
        return;
      }
      assertEquals(503, posted.status(), "a retry of " + id + ": " + posted + "\n" + context.get());
      assertTrue(
          System.nanoTime() < deadline,
          id + " still refused " + timeout.toSeconds() + " s after the fault ended\n" + context.get());
      pause(pace);
    }
  }

  /** Posts one message; a 202 is booked as one that must get its reply. */
  public Posted post(String chat, String id, String text) {
    ObjectNode body = JSON.createObjectNode();
    body.put("chat", chat);
    body.put("id", id);
    body.putObject("sender").put("id", "user-" + chat).put("name", "Tester");
    body.put("text", text);
    RawHttp http = new RawHttp(port.getAsInt(), TIMEOUT);
    try {
      RawHttp.Answer answer =
          http.post(
              "/webhooks/webhook",
              Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
              body.toString().getBytes(UTF_8));
      if (answer.status() == 202) {
        accepted.put(id, chat);
      } else {
        refusedStatuses.add(Integer.toString(answer.status()));
      }
      return new Posted(answer.status(), answer.headers().get("retry-after"), answer.text());
    } catch (IOException e) {
      return new Posted(-1, null, e.toString());
    }
  }

  /** Every reply in a chat's feed, from the start; empty when the chat is unknown yet. */
  public List<JsonNode> feed(String chat) throws IOException {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    RawHttp http = new RawHttp(port.getAsInt(), TIMEOUT);
    while (true) {
      String path =
          "/webhooks/webhook/chats/" + URLEncoder.encode(chat, UTF_8).replace("+", "%20")
              + "/messages?wait=0&limit=1000" + (cursor == null ? "" : "&after=" + cursor);
      RawHttp.Answer answer = http.get(path, Map.of("Authorization", "Bearer " + token));
      if (answer.status() == 404) {
        return all;
      }
      if (answer.status() != 200) {
        throw new IOException("the feed of " + chat + " answered " + answer);
      }
      JsonNode page = JSON.readTree(answer.body());
      if (page.path("messages").isEmpty()) {
        return all;
      }
      page.path("messages").forEach(all::add);
      cursor = page.path("cursor").asText();
    }
  }

  /** Reads every chat's feed and compares it with the books. */
  public Outcome outcome() throws IOException {
    Map<String, Integer> replies = new HashMap<>();
    long total = 0;
    Set<String> allChats = new java.util.TreeSet<>(chats);
    allChats.addAll(accepted.values());
    for (String chat : allChats) {
      for (JsonNode reply : feed(chat)) {
        total++;
        replies.merge(reply.path("replyTo").asText(""), 1, Integer::sum);
      }
    }
    List<String> lost = new ArrayList<>();
    long repeated = 0;
    for (String id : new LinkedHashMap<>(accepted).keySet()) {
      int count = replies.getOrDefault(id, 0);
      if (count == 0) {
        lost.add(id);
      }
      repeated += Math.max(0, count - 1);
    }
    return new Outcome(lost.stream().sorted().toList(), repeated, total);
  }

  /**
   * Waits until every message answered 202 has a reply, up to {@code timeout}; returns the
   * outcome then (its lost list is empty unless the deadline passed).
   */
  public Outcome awaitReplies(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Outcome outcome;
      try {
        outcome = outcome();
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        pause(Duration.ofMillis(500));
        continue;
      }
      if (outcome.lost().isEmpty() || System.nanoTime() > deadline) {
        return outcome;
      }
      pause(Duration.ofMillis(250));
    }
  }

  static void pause(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
