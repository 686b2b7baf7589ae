package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback fake of Slack's Web API, as far as the channel uses it: form-encoded {@code POST
 * /api/<method>} with a bearer token, answering {@code {"ok": …}} JSON; the upload URLs that
 * files.getUploadURLExternal hands out; shared files to download; and apps.connections.open
 * handing out the URL of a {@link FakeSocketMode} when there is one.
 *
 * <p>The next call of a sending method (chat.postMessage, chat.update, reactions.add,
 * files.completeUploadExternal) can be scripted to fail: an HTTP status (429 with Retry-After,
 * 500) or an {@code ok: false} error code. The look-ups (conversations.info, users.info) can be
 * made slow or, for one conversation, fail; file downloads can be held until a test lets them go.
 */
final class FakeSlack implements AutoCloseable {
  static final String BOT_TOKEN = "xoxb-fake-bot-token";
  static final String APP_TOKEN = "xapp-fake-app-token";
  static final String BOT_USER = "U0BOT";
  static final String BOT_ID = "B0BOT";
  static final String THREAD_PREFIX = "fake-slack-";
  /** Added to the parameters of a call the fake refused as scripted. */
  static final String FAILED = "__failed";
  /** Added to the parameters of a chat.postMessage: the ts the fake gave the message. */
  static final String TS = "__ts";

  /** One Web API call the fake received. */
  record Call(String method, Map<String, String> params) {
    String param(String name) {
      return params.get(name);
    }
  }

  /** How the next sending call is to fail: an HTTP status, or an error code with HTTP 200. */
  record Failure(int status, String error, String retryAfter) {
    static Failure error(String code) {
      return new Failure(200, code, null);
    }

    static Failure status(int status) {
      return new Failure(status, null, null);
    }

    static Failure rateLimited(Duration retryAfter) {
      return new Failure(429, "ratelimited", Long.toString(retryAfter.toSeconds()));
    }
  }

  /** What conversations.info says a conversation is. */
  enum Kind {
    CHANNEL,
    PRIVATE_CHANNEL,
    GROUP_DM,
    DM
  }

  private static final List<String> SENDING_METHODS =
      List.of("chat.postMessage", "chat.update", "reactions.add", "files.completeUploadExternal");
  private static final List<String> LOOKUP_METHODS = List.of("conversations.info", "users.info");
  private static final Duration LONGEST_HOLD = Duration.ofSeconds(60);

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
  private final Map<String, String> uploadNames = new ConcurrentHashMap<>();
  private final Map<String, byte[]> sharedFiles = new ConcurrentHashMap<>();
  private final Map<String, String> userNames = new ConcurrentHashMap<>();
  private final Map<String, String> channelNames = new ConcurrentHashMap<>();
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
  private final Set<String> failingConversations = ConcurrentHashMap.newKeySet();
  private final AtomicInteger downloads = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile Duration lookupDelay = Duration.ZERO;
  private volatile CountDownLatch downloadGate;
  private final AtomicReference<Failure> nextFailure = new AtomicReference<>();
  private final AtomicInteger passBeforeFailure = new AtomicInteger();
  private final AtomicLong ts = new AtomicLong(1_700_000_000_000_000L);
  private final AtomicInteger fileIds = new AtomicInteger();
  private volatile String socketUrl;

  FakeSlack() throws IOException {
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            16,
            task -> {
              Thread thread = new Thread(task, THREAD_PREFIX + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/", this::api);
    server.createContext("/upload/", this::upload);
    server.createContext("/files/", this::download);
    server.setExecutor(executor);
    server.start();
    userNames.put("U0ADA", "Ada");
  }

  String apiUrl() {
    return base() + "/api/";
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void socketUrl(String url) {
    socketUrl = url;
  }

  void user(String id, String name) {
    userNames.put(id, name);
  }

  void channelName(String id, String name) {
    channelNames.put(id, name);
  }

  /** Names a conversation and says what kind it is. */
  void conversation(String id, String name, Kind kind) {
    channelNames.put(id, name);
    kinds.put(id, kind);
  }

  /** From now on conversations.info fails for this conversation (Slack's internal_error). */
  void failConversationInfo(String id) {
    failingConversations.add(id);
  }

  /** From now on conversations.info and users.info answer only after {@code delay}. */
  void delayLookups(Duration delay) {
    lookupDelay = delay;
  }

  /** From now on a file download waits (at most a minute) until {@link #releaseDownloads}. */
  void holdDownloads() {
    downloadGate = new CountDownLatch(1);
  }

  void releaseDownloads() {
    CountDownLatch gate = downloadGate;
    downloadGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** How many file downloads were asked for, held ones included. */
  int downloads() {
    return downloads.get();
  }

  /** Waits until {@code count} file downloads were asked for. */
  void awaitDownloads(int count, Duration timeout) {
    await(timeout, () -> downloads.get() >= count, count + " file downloads");
  }

  /** Waits until the fake received a call of {@code method}; returns the first. */
  Call awaitCall(String method, Duration timeout) {
    await(timeout, () -> !calls(method).isEmpty(), "a call of " + method + "; calls: " + calls);
    return calls(method).getFirst();
  }

  /** Makes a file downloadable (with the bot token) and returns its URL. */
  String shareFile(String id, byte[] content) {
    sharedFiles.put(id, content.clone());
    return base() + "/files/" + id;
  }

  void failNext(Failure failure) {
    failAfter(0, failure);
  }

  /** Lets {@code successes} sending calls through, then fails the next one as {@code failure}. */
  void failAfter(int successes, Failure failure) {
    passBeforeFailure.set(successes);
    nextFailure.set(failure);
  }

  /** A new message ts, increasing: {@code 1700000000.000001} and so on. */
  String nextTs() {
    long micros = ts.incrementAndGet();
    return String.format("%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  byte[] uploaded(String fileId) {
    return uploads.get(fileId);
  }

  String uploadName(String fileId) {
    return uploadNames.get(fileId);
  }

  boolean ownsThread(Thread thread) {
    return thread.getName().startsWith(THREAD_PREFIX);
  }

  @Override
  public void close() {
    releaseDownloads();
    server.stop(0);
    executor.shutdownNow();
  }

  private void await(Duration timeout, BooleanSupplier done, String what) {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!done.getAsBoolean()) {
        if (nanos <= 0) {
          throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void api(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestURI().getPath().substring("/api/".length());
      Map<String, String> params = form(read(exchange));
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String token = authorization == null ? null : authorization.replaceFirst("^Bearer ", "");
      String expected = method.equals("apps.connections.open") ? APP_TOKEN : BOT_TOKEN;
      if (!expected.equals(token)) {
        respond(exchange, 200, error("invalid_auth"), null);
        return;
      }
      calls.add(new Call(method, params));
      signal();
      if (LOOKUP_METHODS.contains(method) && lookupDelay.isPositive()) {
        pause(lookupDelay); // Slack being slow: the client's own timeout decides how long it waits
      }
      if (method.equals("conversations.info") && failingConversations.contains(params.get("channel"))) {
        respond(exchange, 200, error("internal_error"), null);
        return;
      }
      if (SENDING_METHODS.contains(method)) {
        Failure failure =
            passBeforeFailure.getAndDecrement() > 0 ? null : nextFailure.getAndSet(null);
        if (failure != null) {
          params.put(FAILED, "true");
          JsonObject body = error(failure.error() == null ? "internal_error" : failure.error());
          respond(exchange, failure.status(), body, failure.retryAfter());
          return;
        }
      }
      respond(exchange, 200, answer(method, params), null);
    }
  }

  private JsonObject answer(String method, Map<String, String> params) {
    JsonObject ok = new JsonObject();
    ok.addProperty("ok", true);
    switch (method) {
      case "auth.test" -> {
        ok.addProperty("user_id", BOT_USER);
        ok.addProperty("bot_id", BOT_ID);
        ok.addProperty("team_id", "T0TEAM");
        ok.addProperty("user", "switchboard");
      }
      case "apps.connections.open" -> {
        if (socketUrl == null) {
          return error("invalid_auth");
        }
        ok.addProperty("url", socketUrl);
      }
      case "chat.postMessage" -> {
        String ts = nextTs();
        params.put(TS, ts);
        ok.addProperty("channel", params.get("channel"));
        ok.addProperty("ts", ts);
      }
      case "chat.update" -> {
        ok.addProperty("channel", params.get("channel"));
        ok.addProperty("ts", params.get("ts"));
      }
      case "conversations.info" -> {
        String id = params.get("channel");
        Kind kind = kinds.getOrDefault(id, id.startsWith("D") ? Kind.DM : Kind.CHANNEL);
        JsonObject channel = new JsonObject();
        channel.addProperty("id", id);
        channel.addProperty("is_channel", kind == Kind.CHANNEL || kind == Kind.PRIVATE_CHANNEL);
        channel.addProperty("is_group", kind == Kind.PRIVATE_CHANNEL);
        channel.addProperty("is_private", kind != Kind.CHANNEL);
        channel.addProperty("is_im", kind == Kind.DM);
        channel.addProperty("is_mpim", kind == Kind.GROUP_DM);
        if (kind != Kind.DM) {
          channel.addProperty("name", channelNames.getOrDefault(id, "general"));
        }
        ok.add("channel", channel);
      }
      case "users.info" -> {
        String id = params.get("user");
        String name = userNames.get(id);
        if (name == null) {
          return error("user_not_found");
        }
        JsonObject user = new JsonObject();
        user.addProperty("id", id);
        user.addProperty("name", name.toLowerCase());
        user.addProperty("real_name", name);
        JsonObject profile = new JsonObject();
        profile.addProperty("real_name", name);
        profile.addProperty("display_name", "");
        user.add("profile", profile);
        ok.add("user", user);
      }
      case "files.getUploadURLExternal" -> {
        String id = "F" + fileIds.incrementAndGet();
        uploadNames.put(id, params.get("filename"));
        ok.addProperty("file_id", id);
        ok.addProperty("upload_url", base() + "/upload/" + id);
      }
      default -> {
        // reactions.add, files.completeUploadExternal: nothing to say but ok.
      }
    }
    return ok;
  }

  private void upload(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/upload/".length());
      uploads.put(id, read(exchange));
      respond(exchange, 200, null, null);
    }
  }

  private void download(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = exchange.getRequestURI().getPath().substring("/files/".length());
      downloads.incrementAndGet();
      signal();
      CountDownLatch gate = downloadGate;
      if (gate != null) {
        try {
          gate.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] content = sharedFiles.get(id);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (!("Bearer " + BOT_TOKEN).equals(authorization)) {
        exchange.sendResponseHeaders(403, -1);
      } else if (content == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, content.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(content);
        }
      }
    }
  }

  private static void pause(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonObject error(String code) {
    JsonObject body = new JsonObject();
    body.addProperty("ok", false);
    body.addProperty("error", code);
    return body;
  }

  private static void respond(HttpExchange exchange, int status, JsonObject body, String retryAfter)
      throws IOException {
    if (retryAfter != null) {
      exchange.getResponseHeaders().add("Retry-After", retryAfter);
    }
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = body.toString().getBytes(UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static byte[] read(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static Map<String, String> form(byte[] body) {
    Map<String, String> params = new LinkedHashMap<>();
    String text = new String(body, UTF_8);
    if (text.isEmpty()) {
      return params;
    }
    for (String pair : text.split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
      params.put(key, value);
    }
    return params;
  }

  /** The labels and values of the buttons in a chat.postMessage's blocks, in order. */
  static List<String[]> buttons(Call post) {
    List<String[]> buttons = new ArrayList<>();
    String blocks = post.param("blocks");
    if (blocks == null) {
      return buttons;
    }
    for (JsonElement block : JsonParser.parseString(blocks).getAsJsonArray()) {
      JsonObject object = block.getAsJsonObject();
      if (!"actions".equals(object.get("type").getAsString())) {
        continue;
      }
      JsonArray elements = object.getAsJsonArray("elements");
      for (JsonElement element : elements) {
        JsonObject button = element.getAsJsonObject();
        buttons.add(
            new String[] {
              button.getAsJsonObject("text").get("text").getAsString(),
              button.get("value").getAsString(),
              object.get("block_id").getAsString(),
              button.get("action_id").getAsString()
            });
      }
    }
    return buttons;
  }
}
