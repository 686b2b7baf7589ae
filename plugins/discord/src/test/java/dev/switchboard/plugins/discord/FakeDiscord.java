package dev.switchboard.plugins.discord;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.testkit.PlatformDriver;
import dev.switchboard.plugin.testkit.PlatformFailure;
import dev.switchboard.plugin.testkit.PlatformMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage.ReceivedFile;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import net.dv8tion.jda.api.utils.TimeUtil;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A loopback stand-in for Discord: the REST API under {@code /api/v10} and the gateway WebSocket at
 * {@code /gateway}, both on one Javalin server on a free port. It serves one server ("guild") with
 * a text channel and a thread in it, and a DM channel with one person; it keeps every message
 * posted, serves them to history requests, and records what the bot sends in platform-neutral form
 * for the conformance suite.
 *
 * <p>The gateway speaks just enough of Discord's protocol for JDA: HELLO, heartbeat ACK, IDENTIFY
 * answered with READY (whose {@code resume_gateway_url} points back here) and GUILD_CREATE, RESUME
 * answered by replaying what the session missed, then RESUMED. Tests can cut the connection, keep
 * the bot out while messages are posted, refuse a resume, or refuse the Message Content intent.
 */
final class FakeDiscord implements PlatformDriver {
  static final String TOKEN = "fake-bot-token.0123456789";
  static final String BOT_ID = "100000000000000001";
  static final String BOT_NAME = "Switchboard";
  static final String BOT_ROLE = "150000000000000001";
  static final String GUILD = "200000000000000001";
  static final String TEXT_CHANNEL = "300000000000000001";
  static final String THREAD = "300000000000000002";
  static final String DM_CHANNEL = "300000000000000003";
  static final String USER_ID = "400000000000000001";
  static final String OTHER_BOT_ID = "400000000000000009";
  static final String CUSTOM_EMOJI_ID = "500000000000000001";
  private static final String THREAD_PREFIX = "fake-discord-";
  // An interaction's token names the message whose button was pressed, for edits through the hook.
  private static final String INTERACTION_TOKEN = "interaction-token-";
  private static final int MESSAGE_CONTENT_INTENT = 1 << 15;

  private final Javalin app;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger sessions = new AtomicInteger();
  // Every message posted, by id; history, replies and redeliveries read it.
  private final Map<String, DataObject> messages = new ConcurrentHashMap<>();
  private final Map<String, String> nonces = new ConcurrentHashMap<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
  private final List<DataObject> callbacks = new CopyOnWriteArrayList<>();
  private final List<Long> callbackArrivals = new CopyOnWriteArrayList<>();
  private final List<DataObject> originalEdits = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Integer> identifiedIntents = new CopyOnWriteArrayList<>();
  private final AtomicReference<Failure> nextFailure = new AtomicReference<>();
  private final AtomicInteger typing = new AtomicInteger();
  private final AtomicInteger downloads = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();
  private final List<DataObject> threads = new CopyOnWriteArrayList<>(List.of(thread(THREAD, "plans")));
  // Guarded by lock: the one gateway session and the connection it is on (null while cut).
  private Session session;
  private WsContext connection;
  private boolean keepOut;
  private boolean refuseResume;
  private boolean refuseMessageContent;

  /** A scripted answer to the bot's next send. */
  record Failure(int status, int code, String message, Duration retryAfter) {}

  private static final class Session {
    final String id;
    final int intents;
    final List<DataObject> events = new ArrayList<>();
    long seq;

    Session(String id, int intents) {
      this.id = id;
      this.intents = intents;
    }
  }

  FakeDiscord() {
    QueuedThreadPool pool = new QueuedThreadPool(32, 2);
    pool.setName(THREAD_PREFIX + "http");
    app =
        Javalin.create(
            config -> {
              config.jetty.threadPool = pool;
              config.startup.showJavalinBanner = false;
              config.routes.ws("/gateway", ws -> {
                ws.onConnect(this::hello);
                ws.onMessage(ctx -> gatewayMessage(ctx, DataObject.fromJson(ctx.message())));
                ws.onClose(ctx -> closed(ctx));
              });
              config.routes.get("/api/v10/users/@me", ctx -> json(ctx, botUser()));
              config.routes.get("/api/v10/gateway/bot", ctx -> json(ctx, DataObject.empty().put("url", wsUrl())));
              config.routes.post("/api/v10/channels/{channel}/messages", this::createMessage);
              config.routes.get("/api/v10/channels/{channel}/messages", this::history);
              config.routes.patch("/api/v10/channels/{channel}/messages/{message}", this::editMessage);
              config.routes.put("/api/v10/channels/{channel}/messages/{message}/reactions/{emoji}/@me", this::react);
              config.routes.post("/api/v10/channels/{channel}/typing", ctx -> { typing.incrementAndGet(); ctx.status(204); });
              config.routes.post("/api/v10/users/@me/channels", ctx -> json(ctx, dmChannel()));
              config.routes.get("/api/v10/guilds/{guild}/emojis", ctx -> json(ctx, DataArray.empty().add(customEmoji())));
              config.routes.post("/api/v10/interactions/{id}/{token}/callback", this::interactionCallback);
              config.routes.patch("/api/v10/webhooks/{application}/{token}/messages/@original", this::editOriginal);
              config.routes.get("/files/{id}/{name}", ctx -> {
                downloads.incrementAndGet();
                ctx.result(files.getOrDefault(ctx.pathParam("id"), new byte[0]));
              });
              config.routes.error(404, ctx -> requests.add("404 " + ctx.method() + " " + ctx.path()));
            });
    app.start("127.0.0.1", 0);
  }

  // ------------------------------------------------------------------ settings for the channel

  String apiUrl() {
    return "http://127.0.0.1:" + app.port() + "/api/v10/";
  }

  String wsUrl() {
    return "ws://127.0.0.1:" + app.port() + "/gateway";
  }

  Map<String, String> settings() {
    return Map.of("token", TOKEN, "apiUrl", apiUrl(), "gatewayUrl", wsUrl(), "readyTimeout", "10s");
  }

  // ------------------------------------------------------------------ PlatformDriver

  @Override
  public Set<Feature> features() {
    return EnumSet.allOf(Feature.class);
  }

  @Override
  public String groupChat() {
    return TEXT_CHANNEL;
  }

  @Override
  public String directChat() {
    return DM_CHANNEL;
  }

  @Override
  public String thread() {
    return THREAD;
  }

  @Override
  public Sender user() {
    return new Sender(USER_ID, "Ada");
  }

  @Override
  public String send(PlatformMessage message) {
    String channel = message.thread() != null ? message.thread() : message.chat();
    boolean direct = message.direct() || DM_CHANNEL.equals(message.chat());
    String content = message.mention() ? "<@" + BOT_ID + "> " + message.text() : message.text();
    DataObject author = user(message.sender().id(), message.sender().name(), message.sender().bot());
    DataObject posted = message(nextId(), channel, direct ? null : GUILD, author, content);
    if (message.mention()) {
      posted.put("mentions", DataArray.empty().add(botUser()));
    }
    if (message.replyTo() != null) {
      DataObject original = messages.get(message.replyTo());
      posted.put("type", 19);
      posted.put("message_reference", DataObject.empty().put("message_id", message.replyTo()).put("channel_id", channel));
      if (original != null) {
        posted.put("referenced_message", original);
      }
    }
    if (message.attachment() != null) {
      String fileId = nextId();
      PlatformMessage.Attachment file = message.attachment();
      files.put(fileId, file.content());
      String url = "http://127.0.0.1:" + app.port() + "/files/" + fileId + "/" + file.name();
      posted.put("attachments", DataArray.empty().add(DataObject.empty()
          .put("id", fileId).put("filename", file.name()).put("size", file.content().length)
          .put("url", url).put("proxy_url", url).put("content_type", file.mimeType())));
    }
    return post(posted);
  }

  /** Posts a message as written by someone in the chat: stored, and dispatched if connected. */
  String post(DataObject message) {
    messages.put(message.getString("id"), message);
    dispatch("MESSAGE_CREATE", message);
    return message.getString("id");
  }

  /** A message from the person in a channel, ready to post; the caller may add to it. */
  DataObject userMessage(String channel, String content) {
    return message(nextId(), channel, DM_CHANNEL.equals(channel) ? null : GUILD, user(USER_ID, "Ada", false), content);
  }

  @Override
  public void redeliver(String messageId) {
    dispatch("MESSAGE_CREATE", messages.get(messageId));
  }

  @Override
  public void pressButton(ReceivedMessage question, String label, Sender presser) {
    DataObject message = messages.get(question.platformMessageId());
    String customId = null;
    for (DataObject button : buttons(message.getArray("components"))) {
      if (label.equals(button.getString("label"))) {
        customId = button.getString("custom_id");
      }
    }
    dispatch("INTERACTION_CREATE", buttonPress(message, customId, presser));
  }

  /** The INTERACTION_CREATE payload of a press of the button {@code customId} under {@code message}. */
  DataObject buttonPress(DataObject message, String customId, Sender presser) {
    String channelId = message.getString("channel_id");
    DataObject pressedBy = user(presser.id(), presser.name(), presser.bot());
    DataObject interaction = DataObject.empty()
        .put("id", nextId()).put("application_id", BOT_ID).put("type", 3)
        .put("token", INTERACTION_TOKEN + message.getString("id"))
        .put("version", 1).put("channel_id", channelId).put("channel", channelObject(channelId))
        .put("message", message).put("locale", "en-US").put("app_permissions", "8")
        .put("entitlements", DataArray.empty()).put("authorizing_integration_owners", DataObject.empty())
        .put("data", DataObject.empty().put("custom_id", customId).put("component_type", 2));
    if (DM_CHANNEL.equals(channelId)) {
      interaction.put("user", pressedBy).put("context", 1);
    } else {
      interaction.put("guild_id", GUILD).put("context", 0).put("guild_locale", "en-US")
          .put("guild", DataObject.empty().put("id", GUILD).put("locale", "en-US").put("features", DataArray.empty()))
          .put("member", member(pressedBy, DataArray.empty()).put("permissions", "8"));
    }
    return interaction;
  }

  @Override
  public List<ReceivedMessage> received() {
    return List.copyOf(received);
  }

  @Override
  public OptionalInt maxTextLength() {
    return OptionalInt.of(2000);
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    failNext(switch (failure) {
      case PlatformFailure.RateLimited limited ->
          new Failure(429, 0, "You are being rate limited.", limited.retryAfter());
      case PlatformFailure.ServerError error -> new Failure(500, 0, "500: Internal Server Error", null);
      case PlatformFailure.AuthFailure auth -> new Failure(403, 50001, "Missing Access", null);
    });
  }

  void failNext(Failure failure) {
    nextFailure.set(failure);
  }

  /**
   * The fake's Jetty threads. Also "Okio Watchdog", which is not the fake's: it is the one static
   * daemon thread of the Okio library (under OkHttp, which JDA uses) that enforces socket timeouts
   * for every client in the class loader. Nothing can end it; it ends itself after 60 s without
   * timeouts to watch. Known debt: the suite has no notion of a library's shared daemon threads.
   * Fix: a testkit hook for those (like its list of the JVM's shared threads), then drop it here.
   */
  @Override
  public boolean ownsThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith(THREAD_PREFIX)
        || name.startsWith("Scheduler-")
        || name.startsWith("Connector-Scheduler")
        || name.equals("Okio Watchdog");
  }

  @Override
  public void close() {
    app.stop();
  }

  // ------------------------------------------------------------------ test controls

  /** Cuts the gateway connection (close code 4000, which JDA answers with a RESUME). */
  void disconnect() {
    lock.lock();
    try {
      if (connection != null) {
        connection.closeSession(4000, "forced disconnect");
        connection = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** While true, the bot's reconnections are refused, so that it stays disconnected. */
  void keepOut(boolean value) {
    lock.lock();
    try {
      keepOut = value;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Makes the next RESUME fail (INVALID_SESSION), so that the events missed are never replayed. */
  void refuseResume() {
    lock.lock();
    try {
      refuseResume = true;
    } finally {
      lock.unlock();
    }
  }

  /** Closes any IDENTIFY asking for the Message Content intent with 4014, as Discord does when the intent is not enabled. */
  void refuseMessageContent() {
    lock.lock();
    try {
      refuseMessageContent = true;
    } finally {
      lock.unlock();
    }
  }

  List<Integer> identifiedIntents() {
    return List.copyOf(identifiedIntents);
  }

  int resumes() {
    return resumes.get();
  }

  /** How many times a file was downloaded. */
  int downloadCount() {
    return downloads.get();
  }

  int typingCount() {
    return typing.get();
  }

  List<DataObject> interactionCallbacks() {
    return List.copyOf(callbacks);
  }

  /** When each interaction callback arrived, in {@link System#nanoTime()}. */
  List<Long> callbackArrivals() {
    return List.copyOf(callbackArrivals);
  }

  /** The edits of pressed question messages made through the interaction's hook. */
  List<DataObject> originalEdits() {
    return List.copyOf(originalEdits);
  }

  /** The REST requests the fake had no route for. */
  List<String> unknownRequests() {
    return List.copyOf(requests);
  }

  DataObject storedMessage(String id) {
    return messages.get(id);
  }

  /** Waits until {@code condition} holds; fails after {@code timeout}. */
  void await(String what, Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!condition.get()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out after " + timeout + " waiting until " + what);
        }
        // Woken by gateway traffic; the bound keeps conditions on other state checked often.
        changed.awaitNanos(Math.min(left, Duration.ofMillis(50).toNanos()));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether the bot has a live, identified or resumed gateway connection. */
  boolean connected() {
    lock.lock();
    try {
      return connection != null;
    } finally {
      lock.unlock();
    }
  }

  int sessionCount() {
    return sessions.get();
  }

  // ------------------------------------------------------------------ gateway

  private void hello(WsContext ctx) {
    lock.lock();
    try {
      if (keepOut) {
        ctx.closeSession(4000, "try again later");
        return;
      }
    } finally {
      lock.unlock();
    }
    ctx.send(DataObject.empty().put("op", 10).put("d", DataObject.empty().put("heartbeat_interval", 41250)).toString());
  }

  private void gatewayMessage(WsContext ctx, DataObject frame) {
    int op = frame.getInt("op");
    DataObject d = op == 2 || op == 6 ? frame.getObject("d") : DataObject.empty();
    lock.lock();
    try {
      switch (op) {
        case 1 -> ctx.send(DataObject.empty().put("op", 11).toString());
        case 2 -> identify(ctx, d);
        case 6 -> resume(ctx, d);
        default -> {}
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void identify(WsContext ctx, DataObject d) {
    int intents = d.getInt("intents", 0);
    identifiedIntents.add(intents);
    if (refuseMessageContent && (intents & MESSAGE_CONTENT_INTENT) != 0) {
      ctx.closeSession(4014, "Disallowed intent(s).");
      return;
    }
    session = new Session("session-" + sessions.incrementAndGet(), intents);
    connection = ctx;
    DataObject ready = DataObject.empty()
        .put("v", 10).put("user", botUser()).put("session_id", session.id)
        .put("resume_gateway_url", wsUrl()).put("private_channels", DataArray.empty())
        .put("guilds", DataArray.empty().add(DataObject.empty().put("id", GUILD).put("unavailable", true)))
        .put("application", DataObject.empty().put("id", BOT_ID).put("flags", 0))
        .put("relationships", DataArray.empty()).put("presences", DataArray.empty());
    sendEvent("READY", ready);
    sendEvent("GUILD_CREATE", guild());
  }

  private void resume(WsContext ctx, DataObject d) {
    if (refuseResume || session == null || !session.id.equals(d.getString("session_id", ""))) {
      refuseResume = false;
      session = null; // what it missed is gone with it: only history can bring it back
      ctx.send(DataObject.empty().put("op", 9).put("d", false).toString());
      return;
    }
    resumes.incrementAndGet();
    connection = ctx;
    long after = Long.parseLong(d.opt("seq").map(String::valueOf).orElse("0"));
    for (DataObject event : session.events) {
      if (event.getLong("s") > after) {
        ctx.send(event.toString());
      }
    }
    sendEvent("RESUMED", DataObject.empty());
  }

  private void closed(WsContext ctx) {
    lock.lock();
    try {
      if (connection == ctx) {
        connection = null;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sends an event to the session: now if connected, else kept for a RESUME to replay. */
  private void dispatch(String type, DataObject data) {
    lock.lock();
    try {
      if (session != null) {
        sendEvent(type, "MESSAGE_CREATE".equals(type) ? asSeenBy(session, data) : data);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A message as a session sees it: without the Message Content intent, Discord leaves out the
   * text of server messages that neither mention the bot nor were written by it; DMs keep theirs.
   */
  private static DataObject asSeenBy(Session session, DataObject message) {
    boolean mentionsBot = false;
    DataArray mentions = message.optArray("mentions").orElse(DataArray.empty());
    for (int i = 0; i < mentions.length(); i++) {
      mentionsBot |= BOT_ID.equals(mentions.getObject(i).getString("id"));
    }
    boolean byBot = BOT_ID.equals(message.getObject("author").getString("id"));
    if ((session.intents & MESSAGE_CONTENT_INTENT) != 0 || !message.hasKey("guild_id") || mentionsBot || byBot) {
      return message;
    }
    return DataObject.fromJson(message.toString()).put("content", "");
  }

  // Called with lock held.
  private void sendEvent(String type, DataObject data) {
    DataObject event = DataObject.empty().put("op", 0).put("t", type).put("s", ++session.seq).put("d", data);
    session.events.add(event);
    if (connection != null) {
      connection.send(event.toString());
    }
  }

  // ------------------------------------------------------------------ REST

  private void createMessage(Context ctx) throws IOException {
    String channel = ctx.pathParam("channel");
    DataObject body;
    List<ReceivedFile> uploads = new ArrayList<>();
    if (ctx.contentType() != null && ctx.contentType().startsWith("multipart/")) {
      body = DataObject.fromJson(ctx.formParam("payload_json"));
      for (UploadedFile file : ctx.uploadedFiles()) {
        try (InputStream in = file.content()) {
          uploads.add(new ReceivedFile(file.filename(), in.readAllBytes()));
        }
      }
    } else {
      body = DataObject.fromJson(ctx.body());
    }
    if (failed(ctx)) {
      return;
    }
    String nonce = body.getString("nonce", null);
    if (nonce != null && nonces.containsKey(channel + "/" + nonce)) {
      json(ctx, messages.get(nonces.get(channel + "/" + nonce)));
      return;
    }
    DataObject sent = message(nextId(), channel, DM_CHANNEL.equals(channel) ? null : GUILD, botUser(), body.getString("content", ""));
    body.optArray("components").ifPresent(c -> sent.put("components", c));
    body.optObject("message_reference").ifPresent(r -> sent.put("message_reference", r).put("type", 19));
    DataArray attachments = DataArray.empty();
    for (ReceivedFile upload : uploads) {
      String fileId = nextId();
      files.put(fileId, upload.content());
      attachments.add(DataObject.empty().put("id", fileId).put("filename", upload.name()).put("size", upload.content().length)
          .put("url", "http://127.0.0.1:" + app.port() + "/files/" + fileId + "/" + upload.name()).put("proxy_url", ""));
    }
    sent.put("attachments", attachments);
    if (nonce != null) {
      sent.put("nonce", nonce);
      nonces.put(channel + "/" + nonce, sent.getString("id"));
    }
    messages.put(sent.getString("id"), sent);
    String chat = THREAD.equals(channel) ? TEXT_CHANNEL : channel;
    String thread = THREAD.equals(channel) ? THREAD : null;
    String id = sent.getString("id");
    String text = sent.getString("content");
    if (body.optArray("components").map(a -> !a.isEmpty()).orElse(false)) {
      List<String> labels = new ArrayList<>();
      buttons(body.getArray("components")).forEach(button -> labels.add(button.getString("label")));
      received.add(ReceivedMessage.question(chat, thread, id, text, labels));
    } else {
      received.add(ReceivedMessage.text(chat, thread, id, text, uploads));
    }
    dispatch("MESSAGE_CREATE", sent); // Discord echoes the bot's own messages to it
    json(ctx, sent);
  }

  private void editMessage(Context ctx) {
    if (failed(ctx)) {
      return;
    }
    DataObject message = messages.get(ctx.pathParam("message"));
    if (message == null) {
      error(ctx, 404, 10008, "Unknown Message", null);
      return;
    }
    String content = DataObject.fromJson(ctx.body()).getString("content", "");
    message.put("content", content);
    String channel = ctx.pathParam("channel");
    received.add(ReceivedMessage.edit(THREAD.equals(channel) ? TEXT_CHANNEL : channel, ctx.pathParam("message"), content));
    json(ctx, message);
  }

  private void react(Context ctx) {
    if (failed(ctx)) {
      return;
    }
    String emoji = URLDecoder.decode(ctx.pathParam("emoji"), UTF_8);
    String channel = ctx.pathParam("channel");
    received.add(ReceivedMessage.reaction(THREAD.equals(channel) ? TEXT_CHANNEL : channel, ctx.pathParam("message"), emoji));
    ctx.status(204);
  }

  /**
   * Discord's history: with {@code after}, the oldest {@code limit} messages after it; else the
   * newest {@code limit} before {@code before} (or before now). Newest first, as Discord answers.
   */
  private void history(Context ctx) {
    String channel = ctx.pathParam("channel");
    String after = ctx.queryParam("after");
    String before = ctx.queryParam("before");
    int limit = ctx.queryParam("limit") == null ? 50 : Integer.parseInt(ctx.queryParam("limit"));
    requests.add("history " + channel + (after != null ? " after " + after : before != null ? " before " + before : " newest")
        + " limit " + limit);
    Comparator<DataObject> byId = Comparator.comparingLong(m -> Long.parseLong(m.getString("id")));
    List<DataObject> inChannel = messages.values().stream().filter(m -> channel.equals(m.getString("channel_id"))).toList();
    List<DataObject> page = after != null
        ? inChannel.stream().filter(m -> Long.parseLong(m.getString("id")) > Long.parseLong(after))
            .sorted(byId).limit(limit).sorted(byId.reversed()).toList()
        : inChannel.stream().filter(m -> before == null || Long.parseLong(m.getString("id")) < Long.parseLong(before))
            .sorted(byId.reversed()).limit(limit).toList();
    DataArray array = DataArray.empty();
    page.forEach(array::add);
    json(ctx, array);
  }

  private void interactionCallback(Context ctx) {
    callbackArrivals.add(System.nanoTime());
    callbacks.add(DataObject.fromJson(ctx.body()));
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    ctx.status(204);
  }

  /** An edit of the message whose button was pressed, after the press was acknowledged. */
  private void editOriginal(Context ctx) {
    DataObject body = DataObject.fromJson(ctx.body());
    originalEdits.add(body);
    DataObject message = messages.get(ctx.pathParam("token").substring(INTERACTION_TOKEN.length()));
    message.put("content", body.getString("content", message.getString("content")));
    body.optArray("components").ifPresent(c -> message.put("components", c));
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    json(ctx, message);
  }

  private boolean failed(Context ctx) {
    Failure failure = nextFailure.getAndSet(null);
    if (failure == null) {
      return false;
    }
    error(ctx, failure.status(), failure.code(), failure.message(), failure.retryAfter());
    return true;
  }

  private static void error(Context ctx, int status, int code, String message, Duration retryAfter) {
    DataObject body = DataObject.empty().put("message", message).put("code", code);
    if (retryAfter != null) {
      body.put("retry_after", retryAfter.toMillis() / 1000.0).put("global", false);
      ctx.header("Retry-After", Long.toString(retryAfter.toSeconds()));
      ctx.header("X-RateLimit-Scope", "user");
    }
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  private static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(body.toString());
  }

  // ------------------------------------------------------------------ payloads

  /** The buttons in rows of components, in order. */
  static List<DataObject> buttons(DataArray rows) {
    List<DataObject> buttons = new ArrayList<>();
    for (int i = 0; i < rows.length(); i++) {
      DataArray row = rows.getObject(i).getArray("components");
      for (int j = 0; j < row.length(); j++) {
        buttons.add(row.getObject(j));
      }
    }
    return buttons;
  }

  /** A new snowflake: the current time since Discord's epoch, and a counter to keep ids apart. */
  String nextId() {
    return idAt(Instant.now());
  }

  /** A new snowflake made at {@code time}, for a message written then. */
  String idAt(Instant time) {
    long millis = time.toEpochMilli() - TimeUtil.DISCORD_EPOCH;
    return Long.toString((millis << TimeUtil.TIMESTAMP_OFFSET) | (sequence.incrementAndGet() & 0xFFF));
  }

  static DataObject botUser() {
    return user(BOT_ID, BOT_NAME, true);
  }

  static DataObject user(String id, String name, boolean bot) {
    return DataObject.empty().put("id", id).put("username", name).put("global_name", name)
        .put("discriminator", "0").put("avatar", null).put("bot", bot).put("public_flags", 0);
  }

  private static DataObject member(DataObject user, DataArray roles) {
    return DataObject.empty().put("user", user).put("roles", roles).put("joined_at", "2024-01-01T00:00:00.000000+00:00")
        .put("deaf", false).put("mute", false).put("flags", 0);
  }

  static DataObject message(String id, String channel, String guild, DataObject author, String content) {
    DataObject message = DataObject.empty()
        .put("id", id).put("type", 0).put("channel_id", channel).put("author", author).put("content", content)
        .put("timestamp", TimeUtil.getTimeCreated(Long.parseLong(id)).toString())
        .put("edited_timestamp", null).put("tts", false).put("mention_everyone", false)
        .put("mentions", DataArray.empty()).put("mention_roles", DataArray.empty())
        .put("attachments", DataArray.empty()).put("embeds", DataArray.empty())
        .put("components", DataArray.empty()).put("pinned", false).put("flags", 0);
    if (guild != null) {
      message.put("guild_id", guild);
    }
    return message;
  }

  private DataObject channelObject(String id) {
    if (DM_CHANNEL.equals(id)) {
      return dmChannel();
    }
    return threads.stream().filter(t -> id.equals(t.getString("id"))).findFirst().orElseGet(this::textChannel);
  }

  private DataObject textChannel() {
    return DataObject.empty().put("id", TEXT_CHANNEL).put("type", 0).put("guild_id", GUILD).put("name", "general")
        .put("position", 0).put("permission_overwrites", DataArray.empty()).put("nsfw", false).put("parent_id", null)
        .put("last_message_id", latestMessage(TEXT_CHANNEL));
  }

  /** The newest message's id in a channel, which Discord sends with the channel; null if none. */
  private String latestMessage(String channel) {
    return messages.values().stream().filter(m -> channel.equals(m.getString("channel_id")))
        .map(m -> m.getString("id")).max(Comparator.comparingLong(Long::parseLong)).orElse(null);
  }

  /**
   * Opens a thread in the text channel, as a person does; the bot hears of it live if connected,
   * else from the server data of its next session. Returns the thread's id.
   */
  String createThread(String name) {
    String id = nextId();
    DataObject thread = thread(id, name);
    threads.add(thread);
    dispatch("THREAD_CREATE", thread);
    return id;
  }

  private static DataObject thread(String id, String name) {
    return DataObject.empty().put("id", id).put("type", 11).put("guild_id", GUILD).put("name", name)
        .put("parent_id", TEXT_CHANNEL).put("owner_id", USER_ID).put("message_count", 1).put("member_count", 1)
        .put("rate_limit_per_user", 0).put("flags", 0)
        .put("thread_metadata", DataObject.empty().put("archived", false).put("auto_archive_duration", 1440)
            .put("archive_timestamp", "2024-01-01T00:00:00.000000+00:00").put("locked", false));
  }

  private static DataObject dmChannel() {
    return DataObject.empty().put("id", DM_CHANNEL).put("type", 1)
        .put("recipients", DataArray.empty().add(user(USER_ID, "Ada", false)));
  }

  private static DataObject customEmoji() {
    return DataObject.empty().put("id", CUSTOM_EMOJI_ID).put("name", "party").put("animated", false)
        .put("roles", DataArray.empty()).put("managed", false).put("available", true).put("require_colons", true);
  }

  private static DataObject role(String id, String name, String permissions, boolean managed) {
    DataObject role = DataObject.empty().put("id", id).put("name", name).put("permissions", permissions)
        .put("position", managed ? 1 : 0).put("color", 0)
        .put("colors", DataObject.empty().put("primary_color", 0).put("secondary_color", null).put("tertiary_color", null)).put("hoist", false).put("managed", managed)
        .put("mentionable", false).put("flags", 0);
    if (managed) {
      role.put("tags", DataObject.empty().put("bot_id", BOT_ID));
    }
    return role;
  }

  private DataArray withLatestMessages(List<DataObject> threads) {
    DataArray array = DataArray.empty();
    threads.forEach(t -> array.add(DataObject.fromJson(t.toString()).put("last_message_id", latestMessage(t.getString("id")))));
    return array;
  }

  private DataObject guild() {
    return DataObject.empty()
        .put("id", GUILD).put("name", "Test Server").put("owner_id", USER_ID).put("unavailable", false)
        .put("member_count", 2).put("large", false).put("features", DataArray.empty())
        .put("verification_level", 0).put("default_message_notifications", 0).put("explicit_content_filter", 0)
        .put("mfa_level", 0).put("nsfw_level", 0).put("afk_timeout", 300).put("premium_tier", 0).put("preferred_locale", "en-US")
        .put("roles", DataArray.empty().add(role(GUILD, "@everyone", "8", false)).add(role(BOT_ROLE, BOT_NAME, "8", true)))
        .put("channels", DataArray.empty().add(textChannel()))
        .put("threads", withLatestMessages(threads))
        .put("members", DataArray.empty().add(member(botUser(), DataArray.empty().add(BOT_ROLE))))
        .put("emojis", DataArray.empty()).put("stickers", DataArray.empty())
        .put("voice_states", DataArray.empty()).put("presences", DataArray.empty())
        .put("stage_instances", DataArray.empty()).put("guild_scheduled_events", DataArray.empty())
        .put("joined_at", "2024-01-01T00:00:00.000000+00:00");
  }
}
