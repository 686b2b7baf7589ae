package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loopback fake of the Telegram Bot API that the tests own. It serves the methods the channel
 * calls (names matched without regard to case, as the library lower-cases some), holds empty
 * getUpdates polls for a bounded while, keeps files for getFile and download, and answers scripted
 * failures in the Bot API's own form. In webhook mode it posts updates to the channel's route the
 * way Telegram does, secret header included.
 */
final class FakeBotApi implements PlatformDriver {
  static final String TOKEN = "123456:conformance-Token_abc";
  static final long BOT_ID = 777000111;
  static final String BOT_USERNAME = "sb_test_bot";
  static final String GROUP = "-1001234567890";
  static final String DIRECT = "4242";
  static final String THREAD = "17";
  static final Sender USER = new Sender("4242", "Ada");
  static final String SECRET = "conformance_secret-123";
  static final Set<String> SENDING =
      Set.of("sendmessage", "senddocument", "sendphoto", "editmessagetext", "setmessagereaction");

  private static final String THREAD_PREFIX = "fake-bot-api-";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_HOLD = Duration.ofMillis(500);

  /** A call the bot made: its method (lower case) and its parameters (files as their names). */
  record Call(String method, JsonNode params, Map<String, Multipart.Part> files) {}

  private record Failure(Set<String> methods, int status, String body) {}

  private final boolean webhookMode;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final List<ObjectNode> pending = new ArrayList<>();
  private final List<Call> calls = new ArrayList<>();
  private final List<ReceivedMessage> received = new ArrayList<>();
  private final Deque<Failure> failures = new ArrayDeque<>();
  private final Map<String, ObjectNode> updatesByMessage = new HashMap<>();
  private final Map<Integer, ObjectNode> messages = new HashMap<>();
  private final Map<String, byte[]> files = new HashMap<>();
  private boolean hideSizes; // guarded by lock
  private final List<Integer> webhookStatuses = new ArrayList<>();
  private int nextUpdateId = 1;
  private boolean closed;
  private final AtomicInteger messageIds = new AtomicInteger(100);
  private final AtomicInteger callbackIds = new AtomicInteger();
  private volatile WebhookRoute route;

  private FakeBotApi(boolean webhookMode) throws IOException {
    this.webhookMode = webhookMode;
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> new Thread(r, THREAD_PREFIX + threads.incrementAndGet()));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  static FakeBotApi polling() throws IOException {
    return new FakeBotApi(false);
  }

  static FakeBotApi webhook() throws IOException {
    return new FakeBotApi(true);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings of a channel pointed at this fake, in its mode. */
  Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("token", TOKEN);
    settings.put("apiUrl", url());
    settings.put("polling.timeout", "1s");
    if (webhookMode) {
      settings.put("mode", "webhook");
      settings.put("webhook.publicUrl", "https://bot.example.com/webhooks/telegram/update");
      settings.put("webhook.secret", SECRET);
    }
    return settings;
  }

  // ---------------------------------------------------------------- PlatformDriver

  @Override
  public Set<Feature> features() {
    return EnumSet.allOf(Feature.class);
  }

  @Override
  public void channelCreated(Channel channel) {
    route =
        channel.webhookRoutes().stream()
            .filter(r -> r.method() == WebhookRoute.Method.POST && r.path().equals("update"))
            .findFirst()
            .orElse(null);
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
    return THREAD;
  }

  @Override
  public Sender user() {
    return USER;
  }

  @Override
  public String send(PlatformMessage message) throws Exception {
    ObjectNode msg = userMessage(message.chat(), message.sender(), message.text());
    if (message.mention()) {
      String handle = "@" + BOT_USERNAME;
      msg.put("text", handle + " " + message.text());
      msg.putArray("entities").addObject().put("type", "mention").put("offset", 0).put("length", handle.length());
    }
    if (message.thread() != null) {
      msg.put("message_thread_id", Integer.parseInt(message.thread())).put("is_topic_message", true);
    }
    if (message.replyTo() != null) {
      ObjectNode replied = message(Integer.parseInt(message.replyTo()));
      msg.set("reply_to_message", replied != null ? replied : JSON.createObjectNode()
          .put("message_id", Integer.parseInt(message.replyTo()))
          .put("date", 0)
          .set("chat", chat(message.chat())));
    }
    if (message.attachment() != null) {
      PlatformMessage.Attachment file = message.attachment();
      String fileId = addFile(file.content());
      msg.remove("text");
      msg.put("caption", message.text());
      msg.putObject("document")
          .put("file_id", fileId)
          .put("file_unique_id", "u" + fileId)
          .put("file_name", file.name())
          .put("mime_type", file.mimeType())
          .put("file_size", file.content().length);
    }
    return String.valueOf(sendUpdate("message", msg));
  }

  @Override
  public void redeliver(String messageId) throws Exception {
    ObjectNode original;
    lock.lock();
    try {
      original = updatesByMessage.get(messageId);
    } finally {
      lock.unlock();
    }
    ObjectNode again = original.deepCopy();
    deliver(again);
  }

  @Override
  public void pressButton(ReceivedMessage question, String label, Sender user) throws Exception {
    ObjectNode message = message(Integer.parseInt(question.platformMessageId()));
    String data = null;
    for (JsonNode row : message.path("reply_markup").path("inline_keyboard")) {
      for (JsonNode button : row) {
        if (button.path("text").asText().equals(label)) {
          data = button.path("callback_data").asText();
        }
      }
    }
    if (data == null) {
      throw new AssertionError("no button labelled " + label + " under " + message);
    }
    press(message, data, user);
  }

  /** Presses a button with this callback data under {@code message}; returns the query id. */
  String press(ObjectNode message, String data, Sender user) throws Exception {
    String id = "cbq-" + callbackIds.incrementAndGet();
    ObjectNode query = JSON.createObjectNode().put("id", id);
    query.set("from", user(user));
    query.set("message", message);
    query.put("chat_instance", "ci-1").put("data", data);
    ObjectNode update = JSON.createObjectNode();
    update.set("callback_query", query);
    deliver(update);
    return id;
  }

  @Override
  public List<ReceivedMessage> received() {
    lock.lock();
    try {
      return List.copyOf(received);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public OptionalInt maxTextLength() {
    return OptionalInt.of(4096);
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    switch (failure) {
      case PlatformFailure.RateLimited limited -> rateLimitNext(limited.retryAfter());
      case PlatformFailure.ServerError error ->
          failNext(SENDING, 500, "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}");
      case PlatformFailure.AuthFailure auth ->
          failNext(SENDING, 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
    }
  }

  @Override
  public boolean ownsThread(Thread thread) {
    return thread.getName().startsWith(THREAD_PREFIX) || thread.getName().equals("HTTP-Dispatcher");
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- scripting and reading

  void rateLimitNext(Duration retryAfter) {
    long seconds = retryAfter.toSeconds();
    failNext(SENDING, 429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after "
        + seconds + "\",\"parameters\":{\"retry_after\":" + seconds + "}}");
  }

  /** Makes the next call of one of {@code methods} (lower case) fail with this status and body. */
  void failNext(Set<String> methods, int status, String body) {
    lock.lock();
    try {
      failures.add(new Failure(methods, status, body));
    } finally {
      lock.unlock();
    }
  }

  /** Makes the next call of one of {@code methods} fail as the Bot API refuses with 400/403. */
  void refuseNext(Set<String> methods, int code, String description) {
    ObjectNode body = JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
    failNext(methods, code, body.toString());
  }

  /** Every call the bot made so far, oldest first. */
  List<Call> calls() {
    lock.lock();
    try {
      return List.copyOf(calls);
    } finally {
      lock.unlock();
    }
  }

  List<Call> calls(String method) {
    return calls().stream().filter(c -> c.method().equals(method.toLowerCase(Locale.ROOT))).toList();
  }

  /** Waits until the bot has called {@code method} at least {@code count} times. */
  List<Call> awaitCalls(String method, int count, Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        List<Call> matching =
            calls.stream().filter(c -> c.method().equals(method.toLowerCase(Locale.ROOT))).toList();
        if (matching.size() >= count) {
          return matching;
        }
        if (nanos <= 0) {
          throw new AssertionError("timed out waiting for " + count + " calls of " + method + "; calls: "
              + calls.stream().map(Call::method).toList());
        }
        nanos = changed.awaitNanos(nanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The statuses the channel's webhook route answered, in order. */
  List<Integer> webhookStatuses() {
    lock.lock();
    try {
      return List.copyOf(webhookStatuses);
    } finally {
      lock.unlock();
    }
  }

  /** The updates Telegram still holds for the bot (not confirmed by a later offset). */
  int pendingUpdates() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** A message as Telegram keeps it, or null. */
  ObjectNode message(int id) {
    lock.lock();
    try {
      ObjectNode message = messages.get(id);
      return message == null ? null : message.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  /** A message from a person in a chat, with a new message id, not yet sent. */
  ObjectNode userMessage(String chat, Sender sender, String text) {
    ObjectNode msg = JSON.createObjectNode().put("message_id", messageIds.incrementAndGet());
    msg.put("date", Instant.now().getEpochSecond());
    msg.set("chat", chat(chat));
    msg.set("from", user(sender));
    msg.put("text", text);
    return msg;
  }

  /** Sends an update carrying {@code payload} under {@code kind}; returns its message id, if any. */
  int sendUpdate(String kind, ObjectNode payload) throws Exception {
    ObjectNode update = JSON.createObjectNode();
    update.set(kind, payload);
    int messageId = payload.path("message_id").asInt(0);
    lock.lock();
    try {
      if (messageId != 0) {
        messages.put(messageId, payload.deepCopy());
        updatesByMessage.put(String.valueOf(messageId), update);
      }
    } finally {
      lock.unlock();
    }
    deliver(update.deepCopy());
    return messageId;
  }

  /**
   * From now on getFile gives no file_size and downloads come without a Content-Length, as a
   * server that streams (a local Bot API server, a proxy) may: only counting the bytes shows a
   * file's size.
   */
  void hideFileSizes() {
    lock.lock();
    try {
      hideSizes = true;
    } finally {
      lock.unlock();
    }
  }

  /** Keeps a file for getFile; returns its file id. */
  String addFile(byte[] content) {
    lock.lock();
    try {
      String id = "file-" + (files.size() + 1);
      files.put(id, content.clone());
      return id;
    } finally {
      lock.unlock();
    }
  }

  ObjectNode chat(String id) {
    ObjectNode chat = JSON.createObjectNode().put("id", Long.parseLong(id));
    if (id.startsWith("-")) {
      chat.put("type", "supergroup").put("title", "Conformance group").put("is_forum", true);
    } else {
      chat.put("type", "private").put("first_name", USER.name());
    }
    return chat;
  }

  static ObjectNode user(Sender sender) {
    return JSON.createObjectNode()
        .put("id", Long.parseLong(sender.id()))
        .put("is_bot", sender.bot())
        .put("first_name", sender.name());
  }

  // Each delivered update gets a new update id, as Telegram gives one to each update it sends.
  private void deliver(ObjectNode update) throws Exception {
    lock.lock();
    try {
      update.put("update_id", nextUpdateId++);
      if (!webhookMode) {
        pending.add(update);
        changed.signalAll();
        return;
      }
    } finally {
      lock.unlock();
    }
    WebhookRoute target = route;
    if (target == null) {
      throw new AssertionError("the channel has no webhook route");
    }
    WebhookResponse response =
        target.handler().handle(
            new WebhookRequest(
                "POST",
                "/webhooks/telegram/update",
                Map.of(),
                Map.of(),
                Map.of(TelegramWebhook.SECRET_HEADER, List.of(SECRET), "Content-Type", List.of("application/json")),
                JSON.writeValueAsBytes(update),
                "127.0.0.1"));
    lock.lock();
    try {
      webhookStatuses.add(response.status());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- HTTP

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/file/bot")) {
        serveFile(exchange, path);
        return;
      }
      String[] segments = path.split("/");
      if (segments.length != 3 || !segments[1].startsWith("bot")) {
        respond(exchange, 404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
        return;
      }
      if (!segments[1].equals("bot" + TOKEN)) {
        respond(exchange, 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
        return;
      }
      String method = segments[2].toLowerCase(Locale.ROOT);
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      ObjectNode params;
      Map<String, Multipart.Part> uploads = new HashMap<>();
      if (contentType != null && contentType.startsWith("multipart/")) {
        params = JSON.createObjectNode();
        for (Multipart.Part part : Multipart.parse(contentType, body).values()) {
          if (part.fileName() != null) {
            uploads.put(part.name(), part);
          } else {
            params.put(part.name(), part.text());
          }
        }
      } else {
        params = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
      }
      Failure failure = record(method, params, uploads);
      if (failure != null) {
        respond(exchange, failure.status(), failure.body());
        return;
      }
      JsonNode result = answer(method, params, uploads);
      if (result == null) {
        respond(exchange, 404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found: method not found\"}");
        return;
      }
      if (result.has("error_code")) {
        respond(exchange, result.get("error_code").asInt(), result.toString());
        return;
      }
      ObjectNode ok = JSON.createObjectNode().put("ok", true);
      ok.set("result", result);
      respond(exchange, 200, ok.toString());
    } catch (RuntimeException e) {
      respond(exchange, 500, "{\"ok\":false,\"error_code\":500,\"description\":\"fake: " + e + "\"}");
    }
  }

  private Failure record(String method, ObjectNode params, Map<String, Multipart.Part> uploads) {
    lock.lock();
    try {
      calls.add(new Call(method, params, uploads));
      changed.signalAll();
      Failure next = failures.peek();
      if (next != null && next.methods().contains(method)) {
        return failures.poll();
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  private JsonNode answer(String method, ObjectNode params, Map<String, Multipart.Part> uploads) {
    return switch (method) {
      case "getme" ->
          JSON.createObjectNode()
              .put("id", BOT_ID)
              .put("is_bot", true)
              .put("first_name", "Switchboard Test")
              .put("username", BOT_USERNAME);
      case "deletewebhook", "setwebhook", "sendchataction", "answercallbackquery", "setmessagereaction" -> {
        if (method.equals("setmessagereaction")) {
          react(params);
        }
        yield JSON.getNodeFactory().booleanNode(true);
      }
      case "getupdates" -> updates(params);
      case "sendmessage" -> sendMessage(params);
      case "editmessagetext" -> editText(params);
      case "editmessagereplymarkup" -> editMarkup(params);
      case "senddocument", "sendphoto" -> sendFile(method, params, uploads);
      case "getfile" -> getFile(params);
      default -> null;
    };
  }

  private JsonNode updates(ObjectNode params) {
    long offset = params.path("offset").asLong(0);
    int limit = params.path("limit").asInt(100);
    long holdNanos = Math.min(Duration.ofSeconds(params.path("timeout").asInt(0)).toNanos(), MAX_HOLD.toNanos());
    ArrayNode result = JSON.createArrayNode();
    lock.lock();
    try {
      // As Telegram does: an offset confirms, and forgets, every update below it.
      pending.removeIf(u -> u.get("update_id").asLong() < offset);
      while (pending.isEmpty() && holdNanos > 0 && !closed) {
        holdNanos = changed.awaitNanos(holdNanos);
      }
      pending.stream().limit(limit).forEach(result::add);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result;
    } finally {
      lock.unlock();
    }
  }

  private JsonNode sendMessage(ObjectNode params) {
    String text = params.path("text").asText();
    if (text.length() > 4096) {
      return refusal(400, "Bad Request: message is too long");
    }
    if ("MarkdownV2".equals(params.path("parse_mode").asText(null)) && !FakeMarkdownV2.valid(text)) {
      return refusal(400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped");
    }
    String chat = params.path("chat_id").asText();
    ObjectNode message = botMessage(chat, params);
    message.put("text", text);
    String shown = "MarkdownV2".equals(params.path("parse_mode").asText(null)) ? FakeMarkdownV2.render(text) : text;
    JsonNode keyboard = params.path("reply_markup").path("inline_keyboard");
    String thread = params.hasNonNull("message_thread_id") ? params.get("message_thread_id").asText() : null;
    String id = message.get("message_id").asText();
    lock.lock();
    try {
      if (keyboard.isArray() && !keyboard.isEmpty()) {
        message.set("reply_markup", params.get("reply_markup"));
        List<String> labels = new ArrayList<>();
        keyboard.forEach(row -> row.forEach(b -> labels.add(b.path("text").asText())));
        received.add(ReceivedMessage.question(chat, thread, id, shown, labels));
      } else {
        received.add(ReceivedMessage.text(chat, thread, id, shown));
      }
      messages.put(message.get("message_id").asInt(), message.deepCopy());
    } finally {
      lock.unlock();
    }
    return message;
  }

  private JsonNode editText(ObjectNode params) {
    String chat = params.path("chat_id").asText();
    int id = params.path("message_id").asInt();
    lock.lock();
    try {
      ObjectNode message = messages.get(id);
      if (message == null) {
        return refusal(400, "Bad Request: message to edit not found");
      }
      if (message.path("text").asText().equals(params.path("text").asText())
          && !params.has("reply_markup") && !message.has("reply_markup")) {
        return refusal(400, "Bad Request: message is not modified");
      }
      message.put("text", params.path("text").asText());
      message.remove("reply_markup");
      received.add(ReceivedMessage.edit(chat, String.valueOf(id), params.path("text").asText()));
      return message.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  private JsonNode editMarkup(ObjectNode params) {
    lock.lock();
    try {
      ObjectNode message = messages.get(params.path("message_id").asInt());
      if (message == null) {
        return refusal(400, "Bad Request: message to edit not found");
      }
      message.remove("reply_markup");
      return message.deepCopy();
    } finally {
      lock.unlock();
    }
  }

  private void react(ObjectNode params) {
    String emoji = params.path("reaction").path(0).path("emoji").asText();
    lock.lock();
    try {
      received.add(
          ReceivedMessage.reaction(
              params.path("chat_id").asText(), params.path("message_id").asText(), emoji));
    } finally {
      lock.unlock();
    }
  }

  private JsonNode sendFile(String method, ObjectNode params, Map<String, Multipart.Part> uploads) {
    String field = method.equals("sendphoto") ? "photo" : "document";
    // The client uploads the file as a part of its own and names it in the field: attach://<part>.
    String attached = params.path(field).asText("");
    Multipart.Part upload =
        attached.startsWith("attach://") ? uploads.get(attached.substring("attach://".length())) : null;
    if (upload == null) {
      return refusal(400, "Bad Request: there is no " + field + " in the request");
    }
    String chat = params.path("chat_id").asText();
    ObjectNode message = botMessage(chat, params);
    String caption = params.path("caption").asText(null);
    if (caption != null) {
      message.put("caption", caption);
    }
    String thread = params.hasNonNull("message_thread_id") ? params.get("message_thread_id").asText() : null;
    lock.lock();
    try {
      messages.put(message.get("message_id").asInt(), message.deepCopy());
      received.add(
          ReceivedMessage.text(
              chat,
              thread,
              message.get("message_id").asText(),
              caption,
              List.of(new ReceivedFile(upload.fileName(), upload.content()))));
    } finally {
      lock.unlock();
    }
    return message;
  }

  private JsonNode getFile(ObjectNode params) {
    String id = params.path("file_id").asText();
    lock.lock();
    try {
      byte[] content = files.get(id);
      if (content == null) {
        return refusal(400, "Bad Request: invalid file_id");
      }
      if (content.length > 20 * 1024 * 1024) {
        return refusal(400, "Bad Request: file is too big");
      }
      ObjectNode file = JSON.createObjectNode().put("file_id", id).put("file_unique_id", "u" + id);
      if (!hideSizes) {
        file.put("file_size", content.length);
      }
      return file.put("file_path", "documents/" + id + ".bin");
    } finally {
      lock.unlock();
    }
  }

  private void serveFile(HttpExchange exchange, String path) throws IOException {
    String prefix = "/file/bot" + TOKEN + "/documents/";
    if (!path.startsWith(prefix) || !path.endsWith(".bin")) {
      respond(exchange, 404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
      return;
    }
    String id = path.substring(prefix.length(), path.length() - 4);
    byte[] content;
    boolean streamed;
    lock.lock();
    try {
      content = files.get(id);
      streamed = hideSizes;
    } finally {
      lock.unlock();
    }
    if (content == null) {
      respond(exchange, 404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
    // Length 0 is chunked: no Content-Length.
    exchange.sendResponseHeaders(200, streamed ? 0 : content.length == 0 ? -1 : content.length);
    exchange.getResponseBody().write(content);
  }

  private ObjectNode botMessage(String chat, ObjectNode params) {
    ObjectNode message = JSON.createObjectNode().put("message_id", messageIds.incrementAndGet());
    message.put("date", Instant.now().getEpochSecond());
    message.set("chat", chat(chat));
    message.set("from", JSON.createObjectNode().put("id", BOT_ID).put("is_bot", true)
        .put("first_name", "Switchboard Test").put("username", BOT_USERNAME));
    if (params.hasNonNull("message_thread_id")) {
      message.put("message_thread_id", params.get("message_thread_id").asInt()).put("is_topic_message", true);
    }
    return message;
  }

  private static ObjectNode refusal(int code, String description) {
    return JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
