package dev.switchboard.faults.hostile;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The table of hostile requests: for every HTTP endpoint of a gateway running the webhook,
 * Telegram (webhook mode) and Slack (Events API) channels, requests that are malformed, oversized,
 * badly encoded, too deeply nested, unauthenticated, forged, replayed or that play tricks with
 * paths. Each must be refused with a 4xx and change nothing; a Slack request whose signature or
 * timestamp is what is wrong must get exactly 401.
 */
final class HostileRequests {
  /**
   * One request: a name for the report, the raw request target, headers and body, and the status
   * it must get, or 0 for any 4xx.
   */
  record Hostile(
      String name, String method, byte[] target, Map<String, String> headers, byte[] body, int status) {
    Hostile(String name, String method, byte[] target, Map<String, String> headers, byte[] body) {
      this(name, method, target, headers, body, 0);
    }

    /** The same request, which must get exactly {@code expected}. */
    Hostile expecting(int expected) {
      return new Hostile(name, method, target, headers, body, expected);
    }

    /** Whether {@code answered} is the refusal this request must get. */
    boolean refusedBy(int answered) {
      return status == 0 ? answered >= 400 && answered < 500 : answered == status;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final String webhookToken;
  private final String telegramSecret;
  private final String slackSecret;
  private final long maxBodyBytes;

  HostileRequests(String webhookToken, String telegramSecret, String slackSecret, long maxBodyBytes) {
    this.webhookToken = webhookToken;
    this.telegramSecret = telegramSecret;
    this.slackSecret = slackSecret;
    this.maxBodyBytes = maxBodyBytes;
  }

  List<Hostile> all() {
    List<Hostile> all = new ArrayList<>();
    all.addAll(webhookMessages());
    all.addAll(webhookAnswers());
    all.addAll(webhookFeed());
    all.addAll(telegram());
    all.addAll(slack());
    all.addAll(server());
    return all;
  }

  // ------------------------------------------------------------------ bodies

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  /** A body with bytes that are not UTF-8 inside a JSON string. */
  static byte[] invalidUtf8Json(String field) {
    byte[] start = utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"" + field + "\":\"a");
    byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
    byte[] end = utf8("\"}");
    byte[] all = new byte[start.length + bad.length + end.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(bad, 0, all, start.length, bad.length);
    System.arraycopy(end, 0, all, start.length + bad.length, end.length);
    return all;
  }

  static byte[] nested(int depth) {
    StringBuilder json = new StringBuilder(depth * 6 + 16);
    json.append("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":");
    json.append("[".repeat(depth)).append("1").append("]".repeat(depth));
    json.append('}');
    return utf8(json.toString());
  }

  static byte[] nestedObjects(int depth) {
    return utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
  }

  private byte[] oversized() {
    StringBuilder json = new StringBuilder("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"");
    json.append("x".repeat((int) maxBodyBytes + 1024)).append("\"}");
    return utf8(json.toString());
  }

  static String message(String chat, String text) {
    return "{\"chat\":" + quote(chat) + ",\"sender\":{\"id\":\"u1\",\"name\":\"Ada\"},\"text\":" + quote(text) + "}";
  }

  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private Map<String, String> bearer() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + webhookToken);
    headers.put("Content-Type", "application/json");
    return headers;
  }

  private static Hostile post(String name, String path, Map<String, String> headers, byte[] body) {
    return new Hostile(name, "POST", path.getBytes(ISO_8859_1), headers, body);
  }

  private static Hostile get(String name, String path, Map<String, String> headers) {
    return new Hostile(name, "GET", path.getBytes(ISO_8859_1), headers, null);
  }

  // ------------------------------------------------------------------ the webhook channel

  private List<Hostile> webhookMessages() {
    String path = "/webhooks/webhook";
    byte[] good = utf8(message("hostile-chat", "hello"));
    List<Hostile> list = new ArrayList<>();
    list.add(post("webhook: no token", path, Map.of("Content-Type", "application/json"), good));
    list.add(post("webhook: wrong token", path, Map.of("Authorization", "Bearer not-the-token"), good));
    list.add(post("webhook: token with a suffix", path, Map.of("Authorization", "Bearer " + webhookToken + "x"), good));
    list.add(post("webhook: token as Basic", path, Map.of("Authorization", "Basic " + webhookToken), good));
    list.add(post("webhook: token in lower case scheme twice", path, Map.of("Authorization", "Bearer Bearer " + webhookToken), good));
    list.add(post("webhook: empty body", path, bearer(), new byte[0]));
    list.add(post("webhook: not JSON", path, bearer(), utf8("hello there")));
    list.add(post("webhook: JSON array", path, bearer(), utf8("[" + message("c", "t") + "]")));
    list.add(post("webhook: JSON string", path, bearer(), utf8("\"text\"")));
    list.add(post("webhook: truncated JSON", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"t")));
    list.add(post("webhook: trailing garbage", path, bearer(), utf8(message("c", "t") + "}{")));
    list.add(post("webhook: duplicate keys", path, bearer(), utf8("{\"chat\":\"a\",\"chat\":\"b\",\"sender\":{\"id\":\"u\"},\"text\":\"t\"}")));
    list.add(post("webhook: invalid UTF-8 in text", path, bearer(), invalidUtf8Json("text")));
    list.add(post("webhook: invalid UTF-8 in chat", path, bearer(), invalidUtf8Json("chat")));
    list.add(post("webhook: UTF-16 body", path, bearer(), message("c", "t").getBytes(java.nio.charset.StandardCharsets.UTF_16LE)));
    list.add(post("webhook: nested 100000 deep", path, bearer(), nested(100_000)));
    list.add(post("webhook: nested objects 50000 deep", path, bearer(), nestedObjects(50_000)));
    list.add(post("webhook: number of 500000 digits", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"t\",\"x\":" + "9".repeat(500_000) + "}")));
    list.add(post("webhook: oversized body", path, bearer(), oversized()));
    list.add(post("webhook: missing chat", path, bearer(), utf8("{\"sender\":{\"id\":\"u\"},\"text\":\"t\"}")));
    list.add(post("webhook: missing sender", path, bearer(), utf8("{\"chat\":\"c\",\"text\":\"t\"}")));
    list.add(post("webhook: sender a string", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":\"u\",\"text\":\"t\"}")));
    list.add(post("webhook: text a number", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":5}")));
    list.add(post("webhook: chat an object", path, bearer(), utf8("{\"chat\":{\"$gt\":\"\"},\"sender\":{\"id\":\"u\"},\"text\":\"t\"}")));
    list.add(post("webhook: blank chat", path, bearer(), utf8(message("   ", "t"))));
    list.add(post("webhook: NUL in chat", path, bearer(), utf8(message("../\u0000/etc", "t"))));
    list.add(post("webhook: newline in chat", path, bearer(), utf8(message("a\nb", "t"))));
    list.add(post("webhook: chat of 100000 characters", path, bearer(), utf8(message("../".repeat(33_334), "t"))));
    list.add(post("webhook: id with NUL", path, bearer(), utf8("{\"chat\":\"c\",\"id\":\"..\\u0000\",\"sender\":{\"id\":\"u\"},\"text\":\"t\"}")));
    list.add(post("webhook: sender id of 300 characters", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"" + "é".repeat(300) + "\"},\"text\":\"t\"}")));
    list.add(post("webhook: text over the limit", path, bearer(), utf8(message("c", "x".repeat(200_000)))));
    list.add(post("webhook: bad timestamp", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"t\",\"timestamp\":\"yesterday\"}")));
    list.add(post("webhook: mention a string", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"t\",\"mention\":\"yes\"}")));
    list.add(post("webhook: replyTo an array", path, bearer(), utf8("{\"chat\":\"c\",\"sender\":{\"id\":\"u\"},\"text\":\"t\",\"replyTo\":[]}")));
    list.add(new Hostile("webhook: GET on the post route", "GET", utf8(path), bearer(), null));
    list.add(new Hostile("webhook: PUT", "PUT", utf8(path), bearer(), good));
    list.add(post("webhook: path with a dot-dot segment", "/webhooks/webhook/../webhook/x", bearer(), good));
    return list;
  }

  private List<Hostile> webhookAnswers() {
    String path = "/webhooks/webhook/answers";
    String good = "{\"chat\":\"hostile-chat\",\"questionId\":\"q-none\",\"option\":\"yes\",\"sender\":{\"id\":\"u1\"}}";
    List<Hostile> list = new ArrayList<>();
    list.add(post("answers: no token", path, Map.of(), utf8(good)));
    list.add(post("answers: not JSON", path, bearer(), utf8("yes")));
    list.add(post("answers: missing questionId", path, bearer(), utf8("{\"chat\":\"c\",\"option\":\"yes\",\"sender\":{\"id\":\"u\"}}")));
    list.add(post("answers: nested 100000 deep", path, bearer(), nested(100_000)));
    list.add(post("answers: invalid UTF-8", path, bearer(), invalidUtf8Json("option")));
    list.add(post("answers: unknown question", path, bearer(), utf8(good)));
    list.add(post("answers: question id with ../", path, bearer(), utf8(good.replace("q-none", "../../switchboard.db"))));
    return list;
  }

  private List<Hostile> webhookFeed() {
    String base = "/webhooks/webhook/chats/";
    Map<String, String> auth = Map.of("Authorization", "Bearer " + webhookToken);
    List<Hostile> list = new ArrayList<>();
    list.add(get("feed: no token", base + "control/messages?wait=0", Map.of()));
    list.add(get("feed: wrong token", base + "control/messages?wait=0", Map.of("Authorization", "Bearer x")));
    list.add(get("feed: unknown chat", base + "never-seen/messages?wait=0", auth));
    list.add(get("feed: after negative", base + "control/messages?after=-1&wait=0", auth));
    list.add(get("feed: after not a number", base + "control/messages?after=abc&wait=0", auth));
    list.add(get("feed: after of 30 digits", base + "control/messages?after=" + "9".repeat(30) + "&wait=0", auth));
    list.add(get("feed: after empty", base + "control/messages?after=&wait=0", auth));
    list.add(get("feed: wait negative", base + "control/messages?wait=-5", auth));
    list.add(get("feed: wait huge", base + "control/messages?wait=99999999999999", auth));
    list.add(get("feed: wait fractional", base + "control/messages?wait=0.5", auth));
    list.add(get("feed: limit zero", base + "control/messages?limit=0&wait=0", auth));
    list.add(get("feed: limit too big", base + "control/messages?limit=1000000&wait=0", auth));
    list.add(get("feed: chat ../ encoded", base + "..%2F..%2Fswitchboard.db/messages?wait=0", auth));
    list.add(get("feed: chat %2e%2e", base + "%2e%2e/messages?wait=0", auth));
    list.add(get("feed: chat %2e%2e%2f%2e%2e", base + "%2e%2e%2f%2e%2e%2fchannels/messages?wait=0", auth));
    list.add(get("feed: raw ../ out of the chat", base + "../../../health/messages?wait=0", auth));
    list.add(get("feed: chat with NUL", base + "control%00/messages?wait=0", auth));
    list.add(get("feed: chat with encoded newline", base + "a%0D%0ASet-Cookie:x/messages?wait=0", auth));
    list.add(get("feed: chat of 6000 characters", base + "a".repeat(6000) + "/messages?wait=0", auth));
    list.add(get("feed: chat of 100000 characters", base + "a".repeat(100_000) + "/messages?wait=0", auth));
    list.add(get("feed: unicode chat never seen", base + "%F0%9F%92%A5%E2%80%AE/messages?wait=0", auth));
    list.add(get("feed: chat %c0%ae overlong dot", base + "%c0%ae%c0%ae/messages?wait=0", auth));
    list.add(new Hostile("feed: invalid UTF-8 in the path", "GET",
        concat(utf8(base), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, utf8("/messages?wait=0")), auth, null));
    list.add(new Hostile("feed: POST", "POST", utf8(base + "control/messages"), auth, utf8("{}")));
    return list;
  }

  // ------------------------------------------------------------------ Telegram

  private List<Hostile> telegram() {
    String path = "/webhooks/telegram/update";
    byte[] update = utf8(telegramUpdate(9001, 4242, "hello"));
    Map<String, String> secret = Map.of(TELEGRAM_SECRET_HEADER, telegramSecret, "Content-Type", "application/json");
    List<Hostile> list = new ArrayList<>();
    list.add(post("telegram: no secret", path, Map.of(), update));
    list.add(post("telegram: empty secret", path, Map.of(TELEGRAM_SECRET_HEADER, ""), update));
    list.add(post("telegram: wrong secret", path, Map.of(TELEGRAM_SECRET_HEADER, telegramSecret + "x"), update));
    list.add(post("telegram: secret in upper case", path, Map.of(TELEGRAM_SECRET_HEADER, telegramSecret.toUpperCase(java.util.Locale.ROOT)), update));
    list.add(post("telegram: secret prefix", path, Map.of(TELEGRAM_SECRET_HEADER, telegramSecret.substring(0, 5)), update));
    list.add(post("telegram: secret in the query", path + "?secret_token=" + telegramSecret, Map.of(), update));
    list.add(post("telegram: not JSON", path, secret, utf8("update")));
    list.add(post("telegram: empty body", path, secret, new byte[0]));
    list.add(post("telegram: JSON array", path, secret, utf8("[1,2]")));
    list.add(post("telegram: no update_id", path, secret, utf8("{\"message\":{}}")));
    list.add(post("telegram: update_id a string", path, secret, utf8("{\"update_id\":\"x\"}")));
    list.add(post("telegram: chat id ../", path, secret, utf8(telegramUpdate(9002, 0, "x").replace("\"id\":0,", "\"id\":\"../../x\","))));
    list.add(post("telegram: nested 100000 deep", path, secret, nestedObjects(100_000)));
    list.add(post("telegram: invalid UTF-8", path, secret, concat(utf8("{\"update_id\":"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("}"))));
    list.add(post("telegram: oversized", path, secret, oversized()));
    list.add(new Hostile("telegram: GET", "GET", utf8(path), secret, null));
    return list;
  }

  static final String TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

  static String telegramUpdate(long updateId, long chat, String text) {
    long now = Instant.now().getEpochSecond();
    return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"date\":" + now
        + ",\"chat\":{\"id\":" + chat + ",\"type\":\"private\",\"first_name\":\"Ada\"},"
        + "\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Ada\"},\"text\":" + quote(text) + "}}";
  }

  // ------------------------------------------------------------------ Slack

  private List<Hostile> slack() {
    String events = "/webhooks/slack/events";
    String interactivity = "/webhooks/slack/interactivity";
    long now = Instant.now().getEpochSecond();
    byte[] event = utf8(slackMessage("C0000001", "hello", "1700000000.000001"));
    List<Hostile> list = new ArrayList<>();
    list.add(post("slack: no signature", events, Map.of(), event).expecting(401));
    list.add(post("slack: no timestamp", events, Map.of("X-Slack-Signature", sign(slackSecret, now, event)), event).expecting(401));
    list.add(post("slack: forged signature", events, slackHeaders(now, "v0=" + "0".repeat(64)), event).expecting(401));
    list.add(post("slack: signature of another secret", events, slackHeaders(now, sign("not-the-secret", now, event)), event).expecting(401));
    list.add(post("slack: signature of another body", events, slackHeaders(now, sign(slackSecret, now, utf8("{}"))), event).expecting(401));
    list.add(post("slack: v1 signature", events, slackHeaders(now, sign(slackSecret, now, event).replace("v0=", "v1=")), event).expecting(401));
    list.add(post("slack: signature in upper case", events, slackHeaders(now, sign(slackSecret, now, event).toUpperCase(java.util.Locale.ROOT)), event).expecting(401));
    list.add(post("slack: replayed, 10 minutes old", events, slackHeaders(now - 600, sign(slackSecret, now - 600, event)), event).expecting(401));
    list.add(post("slack: replayed, a day old", events, slackHeaders(now - 86_400, sign(slackSecret, now - 86_400, event)), event).expecting(401));
    list.add(post("slack: timestamp 10 minutes ahead", events, slackHeaders(now + 600, sign(slackSecret, now + 600, event)), event).expecting(401));
    list.add(post("slack: timestamp not a number", events, Map.of("X-Slack-Request-Timestamp", "now", "X-Slack-Signature", sign(slackSecret, now, event)), event).expecting(401));
    list.add(post("slack: timestamp zero", events, slackHeaders(0, sign(slackSecret, 0, event)), event).expecting(401));
    list.add(post("slack: timestamp Long.MIN_VALUE", events, Map.of("X-Slack-Request-Timestamp", Long.toString(Long.MIN_VALUE), "X-Slack-Signature", signText(slackSecret, Long.toString(Long.MIN_VALUE), event)), event).expecting(401));
    list.add(post("slack: invalid UTF-8, unsigned", events, Map.of(), new byte[] {(byte) 0xC3, (byte) 0x28}));
    list.add(post("slack: oversized", events, slackHeaders(now, "v0=00"), oversized()));
    // Signed well: the body itself is what is wrong.
    list.add(signedPost("slack: signed, not JSON", events, now, utf8("hello")));
    list.add(signedPost("slack: signed, empty body", events, now, new byte[0]));
    list.add(signedPost("slack: signed, JSON array", events, now, utf8("[]")));
    list.add(signedPost("slack: signed, nested 100000 deep", events, now, nestedObjects(100_000)));
    list.add(signedPost("slack: signed, truncated", events, now, utf8("{\"type\":\"event_callback\",\"event\":{")));
    list.add(signedPost("slack: signed, event_callback without event", events, now, utf8("{\"type\":\"event_callback\",\"event_id\":\"Ev1\"}")));
    list.add(signedPost("slack: signed, event a string", events, now, utf8("{\"type\":\"event_callback\",\"event_id\":\"Ev2\",\"event\":\"message\"}")));
    list.add(signedPost("slack: signed, message without channel", events, now, utf8("{\"type\":\"event_callback\",\"event_id\":\"Ev3\",\"event\":{\"type\":\"message\",\"user\":\"U1\",\"text\":\"t\",\"ts\":\"1.2\"}}")));
    list.add(signedPost("slack: signed, channel ../", events, now, utf8(slackMessage("../../sessions", "t", "1700000000.000002").replace("\"user\":\"U0000001\"", "\"user\":{\"id\":1}"))));
    list.add(post("slack: interactivity unsigned", interactivity, Map.of("Content-Type", "application/x-www-form-urlencoded"), utf8("payload=%7B%7D")).expecting(401));
    list.add(post("slack: interactivity replayed", interactivity, slackHeaders(now - 900, sign(slackSecret, now - 900, utf8("payload=%7B%7D"))), utf8("payload=%7B%7D")).expecting(401));
    list.add(signedPost("slack: interactivity without payload", interactivity, now, utf8("x=1")));
    list.add(signedPost("slack: interactivity payload not JSON", interactivity, now, utf8("payload=hello")));
    list.add(signedPost("slack: interactivity bad percent-encoding", interactivity, now, utf8("payload=%E0%A4%A")));
    list.add(signedPost("slack: interactivity payload nested 20000 deep", interactivity, now, concat(utf8("payload="), utf8(java.net.URLEncoder.encode(new String(nestedObjects(20_000), UTF_8), UTF_8)), new byte[0])));
    return list;
  }

  static String slackMessage(String channel, String text, String ts) {
    return "{\"type\":\"event_callback\",\"team_id\":\"T0000001\",\"api_app_id\":\"A1\",\"event_id\":\"Ev" + ts
        + "\",\"event_time\":" + Instant.now().getEpochSecond() + ",\"event\":{\"type\":\"message\",\"channel\":"
        + quote(channel) + ",\"user\":\"U0000001\",\"text\":" + quote(text) + ",\"ts\":\"" + ts
        + "\",\"channel_type\":\"channel\"}}";
  }

  private Hostile signedPost(String name, String path, long now, byte[] body) {
    return post(name, path, slackHeaders(now, sign(slackSecret, now, body)), body);
  }

  Map<String, String> slackHeaders(long timestamp, String signature) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Slack-Request-Timestamp", Long.toString(timestamp));
    headers.put("X-Slack-Signature", signature);
    headers.put("Content-Type", "application/json");
    return headers;
  }

  static String sign(String secret, long timestamp, byte[] body) {
    return signText(secret, Long.toString(timestamp), body);
  }

  static String signText(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(UTF_8));
      mac.update(body);
      return "v0=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ the server's own routes

  private List<Hostile> server() {
    List<Hostile> list = new ArrayList<>();
    list.add(new Hostile("health: POST", "POST", utf8("/health"), Map.of(), utf8("{}")));
    list.add(new Hostile("health: DELETE", "DELETE", utf8("/health"), Map.of(), null));
    list.add(new Hostile("ready: PUT", "PUT", utf8("/ready"), Map.of(), utf8("{\"ready\":false}")));
    list.add(get("health: dot-dot out of the root", "/health/../../../etc/passwd", Map.of()));
    list.add(get("health: %2e%2e out of the root", "/%2e%2e/%2e%2e/etc/passwd", Map.of()));
    list.add(get("health: with NUL", "/health%00", Map.of()));
    list.add(get("health: backslashes", "/..\\..\\switchboard.db", Map.of()));
    list.add(get("ready: header of 64 KiB", "/ready", Map.of("X-Junk", "a".repeat(65_536))));
    list.add(new Hostile("health: invalid UTF-8 in the path", "GET", concat(utf8("/health/"), new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[0]), Map.of(), null));
    list.add(new Hostile("ready: Content-Length and chunked", "POST", utf8("/ready"),
        Map.of("Transfer-Encoding", "chunked"), utf8("0\r\n\r\nGET /health HTTP/1.1\r\n\r\n")));
    list.add(get("admin: no such endpoint", "/admin", Map.of()));
    list.add(get("admin: no such channel", "/webhooks/admin/users", Map.of()));
    list.add(get("admin: data folder by path", "/data/switchboard.db", Map.of()));
    list.add(get("admin: plugin jar by path", "/plugins/webhook.jar", Map.of()));
    list.add(get("metrics: dot-dot to the data", "/metrics/../switchboard.db", Map.of()));
    list.add(new Hostile("server: unknown method", "BREW", utf8("/health"), Map.of(), null));
    list.add(new Hostile("server: TRACE", "TRACE", utf8("/webhooks/webhook"), Map.of("Authorization", "Bearer " + webhookToken), null));
    return list;
  }

  static byte[] concat(byte[] a, byte[] b, byte[] c) {
    byte[] all = new byte[a.length + b.length + c.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    System.arraycopy(c, 0, all, a.length + b.length, c.length);
    return all;
  }
}
