package dev.switchboard.faults.platforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.platforms.Bursts.Fault;
import dev.switchboard.faults.platforms.PlatformServer.Action;
import dev.switchboard.faults.platforms.PlatformServer.Answer;
import dev.switchboard.faults.platforms.PlatformServer.Exchange;
import dev.switchboard.faults.platforms.PlatformServer.Hold;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Bot API as the Telegram channel uses it in webhook mode: {@code getMe}, {@code setWebhook},
 * {@code sendChatAction} and {@code sendMessage} under {@code /bot<token>/}. Updates are posted to
 * the gateway's {@code /webhooks/telegram/update} with the secret header, as Telegram posts them.
 * Faults come in the Bot API's forms: 429 with {@code parameters.retry_after}, 500 as Bot API
 * JSON, 502 as a proxy's HTML page, 400 "message is too long".
 */
final class FakeTelegram implements FakePlatform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "123456:bursts-test-token";
  private static final String SECRET = "bursts_secret-1";
  private static final long BOT_ID = 777000111;

  private final Bursts bursts;
  private final PlatformServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger(1000);

  FakeTelegram(Bursts bursts) throws IOException {
    this.bursts = bursts;
    this.server = new PlatformServer("fake-telegram", this::handle);
  }

  @Override
  public String name() {
    return "Telegram";
  }

  @Override
  public String channelType() {
    return "telegram";
  }

  @Override
  public String library() {
    return "telegrambots on OkHttp 4";
  }

  @Override
  public String chatId(int n) {
    return Long.toString(5_000_001L + n);
  }

  @Override
  public String channelConfig(Duration timeout) {
    return """
        telegram:
          token: "%s"
          apiUrl: %s
          mode: webhook
          webhook:
            publicUrl: https://bot.example.invalid/webhooks/telegram/update
            secret: "%s"
          requestTimeout: %dms
        """.formatted(TOKEN, server.base(), SECRET, timeout.toMillis());
  }

  @Override
  public void post(GatewayProcess gateway, String chat, int number, String text) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode update = JSON.createObjectNode().put("update_id", id);
    ObjectNode message = update.putObject("message").put("message_id", id).put("date", Instant.now().getEpochSecond());
    message.putObject("chat").put("id", Long.parseLong(chat)).put("type", "private").put("first_name", "Ada");
    message.putObject("from").put("id", Long.parseLong(chat)).put("is_bot", false).put("first_name", "Ada");
    message.put("text", text);
    HttpResponse<String> answer = http.send(
        HttpRequest.newBuilder(gateway.uri("/webhooks/telegram/update"))
            .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(update.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError("the gateway answered update " + id + " with " + answer.statusCode() + " " + answer.body());
    }
  }

  @Override
  public List<String> problems() {
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
    return switch (method) {
      case "getme" -> ok(JSON.createObjectNode().put("id", BOT_ID).put("is_bot", true)
          .put("first_name", "Switchboard").put("username", "sb_bursts_bot"));
      case "setwebhook", "deletewebhook", "sendchataction" -> ok(JSON.getNodeFactory().booleanNode(true));
      case "sendmessage" -> send(exchange);
      default -> {
        problems.add("an unexpected Bot API method: " + method);
        yield error(404, "Not Found: method not found");
      }
    };
  }

  // setWebhook comes as multipart (it may carry a certificate); sendMessage as JSON.
  private Action send(Exchange exchange) {
    JsonNode params;
    try {
      params = JSON.readTree(exchange.text());
    } catch (IOException e) {
      problems.add("sendMessage with a body that is not JSON: " + exchange.text());
      return error(400, "Bad Request: can't parse JSON");
    }
    String chat = params.path("chat_id").asText();
    // MarkdownV2 escapes punctuation with backslashes; the text compared is the one a person sees.
    String text = params.path("text").asText().replace("\\", "");
    Fault fault = bursts.attempt(chat, text, exchange);
    return switch (fault) {
      case null -> ok(message(chat, text));
      case Bursts.Slow slow -> ok(message(chat, text)).after(Bursts.SLOW);
      case Bursts.TooMany tooMany -> Answer.json(429, JSON.createObjectNode().put("ok", false).put("error_code", 429)
          .put("description", "Too Many Requests: retry after " + tooMany.retryAfterSeconds())
          .set("parameters", JSON.createObjectNode().put("retry_after", tooMany.retryAfterSeconds())).toString());
      case Bursts.ServerError error when error.status() == 500 -> error(500, "Internal Server Error");
      case Bursts.ServerError error -> new Answer(error.status(), Map.of("Content-Type", "text/html"),
          "<html><body><h1>" + error.status() + " Bad Gateway</h1></body></html>", Duration.ZERO);
      case Bursts.Timeout timeout -> new Hold(Duration.ofSeconds(30));
      case Bursts.Reset reset -> new PlatformServer.Reset();
      case Bursts.Refused refused -> error(400, "Bad Request: message is too long");
    };
  }

  private ObjectNode message(String chat, String text) {
    ObjectNode message = JSON.createObjectNode().put("message_id", ids.incrementAndGet())
        .put("date", Instant.now().getEpochSecond()).put("text", text);
    message.putObject("chat").put("id", Long.parseLong(chat)).put("type", "private").put("first_name", "Ada");
    message.putObject("from").put("id", BOT_ID).put("is_bot", true).put("first_name", "Switchboard");
    return message;
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

  @Override
  public void close() throws IOException {
    server.close();
    http.close();
  }
}
