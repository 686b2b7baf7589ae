package dev.switchboard.faults.platforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.faults.platforms.PlatformServer.Action;
import dev.switchboard.faults.platforms.PlatformServer.Answer;
import dev.switchboard.faults.platforms.PlatformServer.Exchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Bot API as the Telegram channel uses it in polling mode: {@code getMe}, {@code
 * deleteWebhook}, {@code getUpdates} with Telegram's offset rule (an update below the offset a call
 * names is confirmed and forgotten; the rest are served again until confirmed), a long poll that
 * answers as soon as there is something, and {@code sendMessage} / {@code sendChatAction}. It can
 * refuse the bot token (401 on every call), as Telegram does for a revoked one.
 */
final class PollingTelegram implements AutoCloseable {
  static final String TOKEN = "424242:polling-test-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BOT_ID = 777000222;

  /** A reply the bot sent. */
  record Sent(String chat, String text, Instant at) {}

  private final PlatformServer server;
  private final boolean refuseToken;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final TreeMap<Long, ObjectNode> pending = new TreeMap<>(); // guarded by lock
  private final Map<Long, Integer> served = new TreeMap<>(); // guarded by lock
  private long confirmed; // guarded by lock: the highest offset a getUpdates named
  private long nextUpdateId = 1; // guarded by lock
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<String> methods = new CopyOnWriteArrayList<>();

  PollingTelegram(boolean refuseToken) throws IOException {
    this.refuseToken = refuseToken;
    this.server = new PlatformServer("fake-telegram-polling", this::handle);
  }

  String base() {
    return server.base();
  }

  /** Queues a text message from a private chat; returns its update id (also its message id). */
  long message(long chat, String text) {
    lock.lock();
    try {
      long id = nextUpdateId++;
      ObjectNode update = JSON.createObjectNode().put("update_id", id);
      ObjectNode message =
          update.putObject("message").put("message_id", id).put("date", Instant.now().getEpochSecond()).put("text", text);
      message.putObject("chat").put("id", chat).put("type", "private").put("first_name", "Ada");
      message.putObject("from").put("id", chat).put("is_bot", false).put("first_name", "Ada");
      pending.put(id, update);
      arrived.signalAll();
      return id;
    } finally {
      lock.unlock();
    }
  }

  /** The highest offset a getUpdates call named: every update below it is confirmed. */
  long confirmed() {
    lock.lock();
    try {
      return confirmed;
    } finally {
      lock.unlock();
    }
  }

  /** How many times each update was served by getUpdates. */
  Map<Long, Integer> served() {
    lock.lock();
    try {
      return new TreeMap<>(served);
    } finally {
      lock.unlock();
    }
  }

  List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** The Bot API methods called, lower case, in order. */
  List<String> methods() {
    return List.copyOf(methods);
  }

  List<String> problems() {
    List<String> all = new ArrayList<>(problems);
    all.addAll(server.problems());
    return all;
  }

  private Action handle(Exchange exchange) {
    String prefix = "/bot" + TOKEN + "/";
    if (!exchange.path.startsWith(prefix)) {
      problems.add("a request outside the bot's path: " + exchange.method + " " + exchange.path.replace(TOKEN, "<token>"));
      return error(404, "Not Found");
    }
    String method = exchange.path.substring(prefix.length()).toLowerCase(Locale.ROOT);
    methods.add(method);
    if (refuseToken) {
      return error(401, "Unauthorized");
    }
    return switch (method) {
      case "getme" -> ok(JSON.createObjectNode().put("id", BOT_ID).put("is_bot", true)
          .put("first_name", "Switchboard").put("username", "sb_polling_bot"));
      case "deletewebhook", "sendchataction" -> ok(JSON.getNodeFactory().booleanNode(true));
      case "getupdates" -> updates(exchange);
      case "sendmessage" -> send(exchange);
      default -> {
        problems.add("an unexpected Bot API method: " + method);
        yield error(404, "Not Found: method not found");
      }
    };
  }

  private Action updates(Exchange exchange) {
    JsonNode params = json(exchange);
    long offset = params.path("offset").asLong(0);
    long timeoutSeconds = Math.min(params.path("timeout").asLong(0), 5);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    lock.lock();
    try {
      if (offset > confirmed) {
        confirmed = offset;
        pending.headMap(offset).clear();
      }
      while (pending.tailMap(offset).isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        arrived.awaitNanos(left);
      }
      ArrayNode result = JSON.createArrayNode();
      for (ObjectNode update : pending.tailMap(offset).values()) {
        if (result.size() == 100) {
          break;
        }
        result.add(update);
        served.merge(update.path("update_id").asLong(), 1, Integer::sum);
      }
      return ok(result);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(500, "Internal Server Error");
    } finally {
      lock.unlock();
    }
  }

  private Action send(Exchange exchange) {
    JsonNode params = json(exchange);
    String chat = params.path("chat_id").asText();
    // MarkdownV2 escapes punctuation with backslashes; the text compared is the one a person sees.
    String text = params.path("text").asText().replace("\\", "");
    sent.add(new Sent(chat, text, Instant.now()));
    ObjectNode message = JSON.createObjectNode().put("message_id", 1_000_000 + sent.size())
        .put("date", Instant.now().getEpochSecond()).put("text", text);
    message.putObject("chat").put("id", Long.parseLong(chat)).put("type", "private").put("first_name", "Ada");
    message.putObject("from").put("id", BOT_ID).put("is_bot", true).put("first_name", "Switchboard");
    return ok(message);
  }

  private JsonNode json(Exchange exchange) {
    try {
      return exchange.body.length == 0 ? JSON.createObjectNode() : JSON.readTree(exchange.text());
    } catch (IOException e) {
      problems.add("a body that is not JSON: " + exchange.text());
      return JSON.createObjectNode();
    }
  }

  private static Answer ok(JsonNode result) {
    ObjectNode body = JSON.createObjectNode().put("ok", true);
    body.set("result", result);
    return Answer.json(200, body.toString());
  }

  private static Answer error(int code, String description) {
    return Answer.json(code, JSON.createObjectNode().put("ok", false).put("error_code", code)
        .put("description", description).toString());
  }

  /** The channel's section of the gateway config, pointed at this fake, in polling mode. */
  String channelConfig() {
    return """
        telegram:
          token: "%s"
          apiUrl: %s
          polling:
            timeout: 1s
          requestTimeout: 5s
          channelRateLimit:
            burst: 50
            interval: 10ms
        """.formatted(TOKEN, base());
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    server.close();
  }
}
