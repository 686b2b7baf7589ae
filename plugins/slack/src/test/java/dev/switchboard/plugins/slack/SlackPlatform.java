package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugin.testkit.PlatformDriver;
import dev.switchboard.plugin.testkit.PlatformFailure;
import dev.switchboard.plugin.testkit.PlatformMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage.ReceivedFile;
import java.net.URLEncoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slack as the conformance suite and the channel's own tests see it: the fake Web API, and events
 * sent either signed to the channel's Events API routes (called as the gateway's HTTP server
 * would) or as envelopes over the fake Socket Mode server.
 */
final class SlackPlatform implements PlatformDriver {
  static final String SIGNING_SECRET = "fake-signing-secret-0123456789";
  static final String GROUP = "C0GROUP";
  static final String DIRECT = "D0DIRECT";
  static final Sender ADA = new Sender("U0ADA", "Ada");

  /** A payload kept for redelivery, with the envelope id it went in (Socket Mode). */
  private record Sent(JsonObject payload, String envelopeId) {}

  private final SlackSettings.Mode mode;
  private final FakeSlack api;
  private final FakeSocketMode socket;
  private final SlackSignatures signatures = new SlackSignatures(SIGNING_SECRET);
  private final AtomicInteger events = new AtomicInteger();
  private final Map<String, List<Sent>> sent = new ConcurrentHashMap<>();
  private volatile Map<String, WebhookRoute> routes = Map.of();

  SlackPlatform(SlackSettings.Mode mode) throws Exception {
    // The SDK's static default configuration starts its stats threads when the class is first
    // used, once per JVM, whoever uses it; made here so that the thread check sees them as there
    // before the channel.
    com.slack.api.Slack.getInstance();
    this.mode = mode;
    this.api = new FakeSlack();
    this.socket = mode == SlackSettings.Mode.SOCKET ? FakeSocketMode.start(Duration.ofSeconds(10)) : null;
    if (socket != null) {
      api.socketUrl(socket.url());
    }
  }

  FakeSlack api() {
    return api;
  }

  FakeSocketMode socket() {
    return socket;
  }

  /** The channel's settings for this platform. */
  Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("botToken", FakeSlack.BOT_TOKEN);
    settings.put("apiUrl", api.apiUrl());
    if (mode == SlackSettings.Mode.SOCKET) {
      settings.put("appToken", FakeSlack.APP_TOKEN);
    } else {
      settings.put("signingSecret", SIGNING_SECRET);
    }
    return settings;
  }

  @Override
  public Set<Feature> features() {
    return EnumSet.allOf(Feature.class);
  }

  @Override
  public void channelCreated(Channel channel) {
    Map<String, WebhookRoute> byPath = new HashMap<>();
    channel.webhookRoutes().forEach(route -> byPath.put(route.path(), route));
    routes = byPath;
  }

  @Override
  public String groupChat() {
    return GROUP;
  }

  @Override
  public String directChat() {
    return DIRECT;
  }

  @Override
  public String thread() {
    return "1690000000.000100";
  }

  @Override
  public Sender user() {
    return ADA;
  }

  @Override
  public String send(PlatformMessage message) throws Exception {
    String ts = api.nextTs();
    JsonObject event = new JsonObject();
    event.addProperty("type", "message");
    event.addProperty("channel", message.chat());
    event.addProperty("user", message.sender().id());
    event.addProperty(
        "text", (message.mention() ? "<@" + FakeSlack.BOT_USER + "> " : "") + message.text());
    event.addProperty("ts", ts);
    event.addProperty("channel_type", message.direct() ? "im" : "channel");
    String thread = message.thread() != null ? message.thread() : message.replyTo();
    if (thread != null) {
      event.addProperty("thread_ts", thread);
      event.addProperty("parent_user_id", message.sender().id());
    }
    if (message.attachment() != null) {
      PlatformMessage.Attachment file = message.attachment();
      String id = "F" + ts.replace(".", "");
      JsonObject shared = new JsonObject();
      shared.addProperty("id", id);
      shared.addProperty("name", file.name());
      shared.addProperty("mimetype", file.mimeType());
      shared.addProperty("size", file.content().length);
      shared.addProperty("url_private_download", api.shareFile(id, file.content()));
      JsonArray files = new JsonArray();
      files.add(shared);
      event.add("files", files);
      event.addProperty("subtype", "file_share");
    }
    List<Sent> payloads = new ArrayList<>();
    payloads.add(new Sent(callback(event), "env-" + events.incrementAndGet()));
    if (message.mention()) {
      // Slack sends a mention twice: as a message and as an app_mention, with its own event id.
      JsonObject mention = event.deepCopy();
      mention.addProperty("type", "app_mention");
      mention.remove("channel_type");
      payloads.add(new Sent(callback(mention), "env-" + events.incrementAndGet()));
    }
    sent.put(ts, payloads);
    for (Sent each : payloads) {
      deliver(each, 0);
    }
    return ts;
  }

  @Override
  public void redeliver(String messageId) throws Exception {
    deliver(sent.get(messageId).getFirst(), 1);
  }

  /** An {@code event_callback} payload around {@code event}, with a new event id. */
  JsonObject callback(JsonObject event) {
    JsonObject payload = new JsonObject();
    payload.addProperty("token", "unused-verification-token");
    payload.addProperty("team_id", "T0TEAM");
    payload.addProperty("api_app_id", "A0APP");
    payload.add("event", event);
    payload.addProperty("type", "event_callback");
    payload.addProperty("event_id", "Ev" + events.incrementAndGet());
    payload.addProperty("event_time", Instant.now().getEpochSecond());
    return payload;
  }

  private void deliver(Sent each, int retry) {
    if (mode == SlackSettings.Mode.SOCKET) {
      socket.send("events_api", each.envelopeId(), each.payload(), retry);
      return;
    }
    Map<String, List<String>> headers = new HashMap<>();
    if (retry > 0) {
      headers.put("X-Slack-Retry-Num", List.of(Integer.toString(retry)));
      headers.put("X-Slack-Retry-Reason", List.of("http_timeout"));
    }
    WebhookResponse response = post("events", each.payload().toString(), headers);
    if (response.status() != 200) {
      throw new AssertionError(
          "the channel answered " + response.status() + ": " + new String(response.body(), UTF_8));
    }
  }

  /** POSTs a correctly signed request to one of the channel's routes. */
  WebhookResponse post(String path, String body, Map<String, List<String>> extraHeaders) {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    byte[] bytes = body.getBytes(UTF_8);
    Map<String, List<String>> headers = new HashMap<>(extraHeaders);
    headers.put(SlackSignatures.TIMESTAMP_HEADER, List.of(timestamp));
    headers.put(SlackSignatures.SIGNATURE_HEADER, List.of(signatures.sign(timestamp, bytes)));
    return rawPost(path, bytes, headers);
  }

  /** POSTs a request with exactly these headers, signed or not. */
  WebhookResponse rawPost(String path, byte[] body, Map<String, List<String>> headers) {
    WebhookRoute route = routes.get(path);
    if (route == null) {
      throw new AssertionError("the channel has no route " + path + "; it has " + routes.keySet());
    }
    return route
        .handler()
        .handle(
            new WebhookRequest(
                "POST", "/webhooks/slack/" + path, Map.of(), Map.of(), headers, body, "127.0.0.1"));
  }

  String sign(String timestamp, byte[] body) {
    return signatures.sign(timestamp, body);
  }

  @Override
  public void pressButton(ReceivedMessage question, String label, Sender user) {
    JsonObject payload = press(question.chat(), question.platformMessageId(), label, user);
    if (mode == SlackSettings.Mode.SOCKET) {
      socket.send("interactive", "env-" + events.incrementAndGet(), payload, 0);
      return;
    }
    String body = "payload=" + URLEncoder.encode(payload.toString(), UTF_8);
    WebhookResponse response = post("interactivity", body, Map.of());
    if (response.status() != 200) {
      throw new AssertionError("the channel answered the press with " + response.status());
    }
  }

  /**
   * The {@code block_actions} payload of a press of the button labelled {@code label} under the
   * question the channel posted as message {@code questionTs}.
   */
  JsonObject press(String chat, String questionTs, String label, Sender user) {
    FakeSlack.Call post =
        api.calls("chat.postMessage").stream()
            .filter(c -> questionTs.equals(c.param(FakeSlack.TS)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no question was posted"));
    String[] button =
        FakeSlack.buttons(post).stream()
            .filter(b -> b[0].equals(label))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no button labelled " + label));
    return blockActions(chat, questionTs, button, user, post.param("text"));
  }

  /** A {@code block_actions} payload: {@code user} pressed {@code button} under a message. */
  static JsonObject blockActions(
      String chat, String messageTs, String[] button, Sender user, String messageText) {
    JsonObject payload = new JsonObject();
    payload.addProperty("type", "block_actions");
    payload.addProperty("trigger_id", "trigger-" + messageTs);
    JsonObject who = new JsonObject();
    who.addProperty("id", user.id());
    who.addProperty("username", user.name());
    payload.add("user", who);
    JsonObject channel = new JsonObject();
    channel.addProperty("id", chat);
    payload.add("channel", channel);
    JsonObject container = new JsonObject();
    container.addProperty("type", "message");
    container.addProperty("message_ts", messageTs);
    container.addProperty("channel_id", chat);
    payload.add("container", container);
    JsonObject message = new JsonObject();
    message.addProperty("ts", messageTs);
    message.addProperty("text", messageText);
    payload.add("message", message);
    JsonObject action = new JsonObject();
    action.addProperty("type", "button");
    action.addProperty("block_id", button[2]);
    action.addProperty("action_id", button[3]);
    action.addProperty("value", button[1]);
    action.addProperty("action_ts", "1700000999.000001");
    JsonObject text = new JsonObject();
    text.addProperty("type", "plain_text");
    text.addProperty("text", button[0]);
    action.add("text", text);
    JsonArray actions = new JsonArray();
    actions.add(action);
    payload.add("actions", actions);
    return payload;
  }

  @Override
  public List<ReceivedMessage> received() {
    List<ReceivedMessage> received = new ArrayList<>();
    for (FakeSlack.Call call : api.calls()) {
      if (call.param(FakeSlack.FAILED) != null) {
        continue;
      }
      String chat = call.param("channel");
      switch (call.method()) {
        case "chat.postMessage" -> received.add(posted(call));
        case "chat.update" ->
            received.add(
                ReceivedMessage.edit(chat, call.param("ts"), SlackFormat.unescape(call.param("text"))));
        case "reactions.add" ->
            received.add(ReceivedMessage.reaction(chat, call.param("timestamp"), emoji(call.param("name"))));
        case "files.completeUploadExternal" -> received.add(upload(call));
        default -> {
          // look-ups and the steps of an upload before completeUploadExternal
        }
      }
    }
    return received;
  }

  private ReceivedMessage posted(FakeSlack.Call call) {
    String ts = call.param(FakeSlack.TS);
    String text = SlackFormat.unescape(call.param("text"));
    List<String[]> buttons = FakeSlack.buttons(call);
    if (!buttons.isEmpty()) {
      return ReceivedMessage.question(
          call.param("channel"),
          call.param("thread_ts"),
          ts,
          text,
          buttons.stream().map(b -> b[0]).toList());
    }
    return ReceivedMessage.text(call.param("channel"), call.param("thread_ts"), ts, text);
  }

  private ReceivedMessage upload(FakeSlack.Call call) {
    List<ReceivedFile> files = new ArrayList<>();
    for (var element : JsonParser.parseString(call.param("files")).getAsJsonArray()) {
      String id = element.getAsJsonObject().get("id").getAsString();
      files.add(new ReceivedFile(api.uploadName(id), api.uploaded(id)));
    }
    String comment = call.param("initial_comment");
    return ReceivedMessage.text(
        call.param("channel_id"),
        call.param("thread_ts"),
        null,
        comment == null ? null : SlackFormat.unescape(comment),
        files);
  }

  private static String emoji(String name) {
    return switch (name) {
      case "+1" -> "👍";
      case "tada" -> "🎉";
      default -> ":" + name + ":";
    };
  }

  @Override
  public OptionalInt maxTextLength() {
    // Slack asks for at most 4,000 characters in a message's text.
    return OptionalInt.of(4_000);
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    api.failNext(
        switch (failure) {
          case PlatformFailure.RateLimited limited -> FakeSlack.Failure.rateLimited(limited.retryAfter());
          case PlatformFailure.ServerError error -> FakeSlack.Failure.status(500);
          case PlatformFailure.AuthFailure auth -> FakeSlack.Failure.error("invalid_auth");
        });
  }

  @Override
  public boolean ownsThread(Thread thread) {
    return api.ownsThread(thread)
        || (socket != null && socket.ownsThread(thread))
        || okHttpProcessWide(thread);
  }

  /**
   * OkHttp's task runner and Okio's timeout watchdog are one daemon thread each for the whole JVM,
   * shared by every OkHttp client in it; they end by themselves after a minute without work. The
   * channel shuts down its own client's dispatcher and connection pool on close.
   */
  private static boolean okHttpProcessWide(Thread thread) {
    return thread.isDaemon()
        && (thread.getName().equals("OkHttp TaskRunner") || thread.getName().equals("Okio Watchdog"));
  }

  @Override
  public void close() throws Exception {
    if (socket != null) {
      socket.close();
    }
    api.close();
  }
}
