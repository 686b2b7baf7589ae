package dev.switchboard.faults.platforms;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.platforms.Bursts.Fault;
import dev.switchboard.faults.platforms.PlatformServer.Action;
import dev.switchboard.faults.platforms.PlatformServer.Answer;
import dev.switchboard.faults.platforms.PlatformServer.Exchange;
import dev.switchboard.faults.platforms.PlatformServer.Hold;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Slack Web API as the Slack channel uses it on the Events API: {@code auth.test}, the name
 * look-ups and {@code chat.postMessage} under {@code /api/}, form-encoded. Events are posted to the
 * gateway's {@code /webhooks/slack/events}, signed with the signing secret as Slack signs them.
 * Faults come in Slack's forms: 429 with a {@code Retry-After} header and {@code ratelimited}, 500
 * with {@code internal_error}, 502/503 as a load balancer's HTML page, and a refusal as HTTP 200
 * with {@code ok: false} and {@code msg_too_long}.
 */
final class FakeSlack implements FakePlatform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOT_TOKEN = "xoxb-bursts-test";
  private static final String SIGNING_SECRET = "bursts-signing-secret";
  private static final String USER = "U0000ADA";

  private final Bursts bursts;
  private final PlatformServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final AtomicInteger stamps = new AtomicInteger();

  FakeSlack(Bursts bursts) throws IOException {
    this.bursts = bursts;
    this.server = new PlatformServer("fake-slack", this::handle);
  }

  @Override
  public String name() {
    return "Slack";
  }

  @Override
  public String channelType() {
    return "slack";
  }

  @Override
  public String library() {
    return "slack-api-client on OkHttp 4";
  }

  @Override
  public String chatId(int n) {
    return "C0BURST%02d".formatted(n + 1);
  }

  @Override
  public String channelConfig(Duration timeout) {
    return """
        slack:
          botToken: %s
          signingSecret: "%s"
          mode: events
          apiUrl: %s/api/
          callTimeout: %dms
        """.formatted(BOT_TOKEN, SIGNING_SECRET, server.base(), timeout.toMillis());
  }

  @Override
  public void post(GatewayProcess gateway, String chat, int number, String text) throws Exception {
    String ts = "1700000000." + "%06d".formatted(stamps.incrementAndGet());
    ObjectNode envelope = JSON.createObjectNode().put("type", "event_callback").put("team_id", "T0000001")
        .put("api_app_id", "A0000001").put("event_id", "Ev" + ts.replace(".", ""))
        .put("event_time", Instant.now().getEpochSecond());
    envelope.putObject("event").put("type", "message").put("channel", chat).put("user", USER).put("text", text)
        .put("ts", ts).put("channel_type", "channel");
    byte[] body = envelope.toString().getBytes(UTF_8);
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> answer = http.send(
        HttpRequest.newBuilder(gateway.uri("/webhooks/slack/events"))
            .header("X-Slack-Request-Timestamp", Long.toString(now))
            .header("X-Slack-Signature", sign(now, body))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new AssertionError("the gateway answered event " + ts + " with " + answer.statusCode() + " " + answer.body());
    }
  }

  @Override
  public List<String> problems() {
    List<String> all = new ArrayList<>(problems);
    all.addAll(server.problems());
    return all;
  }

  private Action handle(Exchange exchange) {
    if (!exchange.path.startsWith("/api/")) {
      problems.add("a request outside the Web API: " + exchange.method + " " + exchange.path);
      return Answer.json(404, "{\"ok\":false,\"error\":\"unknown_method\"}");
    }
    String method = exchange.path.substring("/api/".length());
    Map<String, String> form = form(exchange.text());
    return switch (method) {
      case "auth.test" -> ok(JSON.createObjectNode().put("url", "https://bursts.slack.com/").put("team", "Bursts")
          .put("user", "switchboard").put("team_id", "T0000001").put("user_id", "U0000BOT").put("bot_id", "B0000BOT"));
      case "conversations.info" -> {
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("channel").put("id", form.getOrDefault("channel", "")).put("name", "bursts")
            .put("is_channel", true).put("is_im", false).put("is_mpim", false);
        yield ok(answer);
      }
      case "users.info" -> {
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("user").put("id", USER).put("name", "ada").put("real_name", "Ada")
            .putObject("profile").put("display_name", "Ada").put("real_name", "Ada");
        yield ok(answer);
      }
      case "chat.postMessage" -> send(exchange, form);
      default -> {
        problems.add("an unexpected Web API method: " + method);
        yield Answer.json(200, "{\"ok\":false,\"error\":\"unknown_method\"}");
      }
    };
  }

  private Action send(Exchange exchange, Map<String, String> form) {
    String chat = form.getOrDefault("channel", "");
    String text = form.getOrDefault("text", "");
    Fault fault = bursts.attempt(chat, text, exchange);
    return switch (fault) {
      case null -> posted(chat, text);
      case Bursts.Slow slow -> posted(chat, text).after(Bursts.SLOW);
      case Bursts.TooMany tooMany -> Answer.json(429, "{\"ok\":false,\"error\":\"ratelimited\"}")
          .header("Retry-After", Integer.toString(tooMany.retryAfterSeconds()));
      case Bursts.ServerError error when error.status() == 500 ->
          Answer.json(500, "{\"ok\":false,\"error\":\"internal_error\"}");
      case Bursts.ServerError error -> new Answer(error.status(), Map.of("Content-Type", "text/html"),
          "<html><body>" + error.status() + " Service Unavailable</body></html>", Duration.ZERO);
      case Bursts.Timeout timeout -> new Hold(Duration.ofSeconds(30));
      case Bursts.Reset reset -> new PlatformServer.Reset();
      case Bursts.Refused refused -> Answer.json(200, "{\"ok\":false,\"error\":\"msg_too_long\"}");
    };
  }

  private Answer posted(String chat, String text) {
    String ts = "1800000000." + "%06d".formatted(stamps.incrementAndGet());
    ObjectNode answer = JSON.createObjectNode().put("channel", chat).put("ts", ts);
    answer.putObject("message").put("type", "message").put("text", text).put("user", "U0000BOT")
        .put("bot_id", "B0000BOT").put("ts", ts);
    return ok(answer);
  }

  private static Answer ok(ObjectNode answer) {
    ObjectNode body = JSON.createObjectNode().put("ok", true);
    body.setAll(answer);
    return Answer.json(200, body.toString());
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        form.put(URLDecoder.decode(pair.substring(0, equals), UTF_8), URLDecoder.decode(pair.substring(equals + 1), UTF_8));
      }
    }
    return form;
  }

  private static String sign(long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(UTF_8), "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(UTF_8));
      mac.update(body);
      return "v0=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    http.close();
  }
}
