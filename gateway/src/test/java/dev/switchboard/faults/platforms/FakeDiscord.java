package dev.switchboard.faults.platforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.platforms.Bursts.Fault;
import dev.switchboard.faults.platforms.PlatformServer.Action;
import dev.switchboard.faults.platforms.PlatformServer.Answer;
import dev.switchboard.faults.platforms.PlatformServer.Exchange;
import dev.switchboard.faults.platforms.PlatformServer.Hold;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discord as the Discord channel's JDA uses it: the REST API under {@code /api/v10/} on a {@link
 * PlatformServer}, and the gateway WebSocket on a Javalin server of its own. The gateway speaks
 * what JDA needs to be ready — HELLO, heartbeat ACKs, READY and one server ("guild") with a text
 * channel per chat — and then carries the test's messages as MESSAGE_CREATE. Faults on {@code POST
 * channels/{id}/messages} come in Discord's forms: 429 with {@code Retry-After} and {@code
 * retry_after}, 500 and 503 as JSON, 502 as Cloudflare's HTML page, and 400 "Invalid Form Body".
 */
final class FakeDiscord implements FakePlatform {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "bursts-bot-token.0123456789";
  private static final String BOT_ID = "100000000000000001";
  private static final String GUILD = "200000000000000001";
  private static final String USER_ID = "400000000000000001";
  private static final long DISCORD_EPOCH = 1420070400000L;
  private static final Pattern MESSAGES = Pattern.compile("/api/v10/channels/(\\d+)/messages");
  private static final Pattern TYPING = Pattern.compile("/api/v10/channels/(\\d+)/typing");

  private final Bursts bursts;
  private final PlatformServer rest;
  private final Javalin gateway;
  private final List<String> problems = new CopyOnWriteArrayList<>();
  private final List<String> chats = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final Object lock = new Object();
  // Guarded by lock: the one gateway connection (null until identified) and its sequence.
  private WsContext connection;
  private long sequence;

  FakeDiscord(Bursts bursts) throws IOException {
    this.bursts = bursts;
    this.rest = new PlatformServer("fake-discord", this::handle);
    this.gateway = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.routes.ws("/gateway", ws -> {
        ws.onConnect(this::hello);
        ws.onMessage(ctx -> frame(ctx, JSON.readTree(ctx.message())));
        ws.onClose(this::closed);
      });
    });
    gateway.start("127.0.0.1", 0);
  }

  @Override
  public String name() {
    return "Discord";
  }

  @Override
  public String channelType() {
    return "discord";
  }

  @Override
  public String library() {
    return "JDA on OkHttp 5";
  }

  @Override
  public String chatId(int n) {
    String id = Long.toString(300000000000000101L + n);
    if (!chats.contains(id)) {
      chats.add(id);
    }
    return id;
  }

  @Override
  public String channelConfig(Duration timeout) {
    return """
        discord:
          token: "%s"
          apiUrl: %s/api/v10/
          gatewayUrl: ws://127.0.0.1:%d/gateway
          readyTimeout: 20s
          requestTimeout: %dms
        """.formatted(TOKEN, rest.base(), gateway.port(), timeout.toMillis());
  }

  @Override
  public void post(GatewayProcess process, String chat, int number, String text) {
    ObjectNode author = user(USER_ID, "Ada", false);
    dispatch("MESSAGE_CREATE", message(nextId(), chat, author, text));
  }

  @Override
  public List<String> problems() {
    List<String> all = new ArrayList<>(problems);
    all.addAll(rest.problems());
    return all;
  }

  // ------------------------------------------------------------------ REST

  private Action handle(Exchange exchange) {
    String path = exchange.path;
    if (exchange.method.equals("GET") && path.equals("/api/v10/users/@me")) {
      return Answer.json(200, user(BOT_ID, "Switchboard", true).toString());
    }
    if (exchange.method.equals("GET") && path.startsWith("/api/v10/gateway")) {
      return Answer.json(200, JSON.createObjectNode().put("url", wsUrl()).put("shards", 1).toString());
    }
    Matcher messages = MESSAGES.matcher(path);
    if (messages.matches() && exchange.method.equals("GET")) {
      return Answer.json(200, "[]"); // The catch-up after READY: nothing was missed.
    }
    if (messages.matches() && exchange.method.equals("POST")) {
      return send(exchange, messages.group(1));
    }
    if (TYPING.matcher(path).matches() && exchange.method.equals("POST")) {
      return new Answer(204, Map.of(), "", Duration.ZERO);
    }
    problems.add("an unexpected REST call: " + exchange.method + " " + path);
    return Answer.json(404, "{\"message\":\"404: Not Found\",\"code\":0}");
  }

  private Action send(Exchange exchange, String chat) {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.text());
    } catch (IOException e) {
      problems.add("a message body that is not JSON: " + exchange.text());
      return Answer.json(400, "{\"message\":\"400: Bad Request\",\"code\":0}");
    }
    String text = body.path("content").asText();
    Fault fault = bursts.attempt(chat, text, exchange);
    return switch (fault) {
      case null -> posted(chat, text);
      case Bursts.Slow slow -> posted(chat, text).after(Bursts.SLOW);
      case Bursts.TooMany tooMany -> Answer.json(429, JSON.createObjectNode()
              .put("message", "You are being rate limited.").put("retry_after", (double) tooMany.retryAfterSeconds())
              .put("global", false).toString())
          .header("Retry-After", Integer.toString(tooMany.retryAfterSeconds()))
          .header("X-RateLimit-Scope", "user");
      case Bursts.ServerError error when error.status() == 502 -> new Answer(502, Map.of("Content-Type", "text/html"),
          "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", Duration.ZERO);
      case Bursts.ServerError error ->
          Answer.json(error.status(), "{\"message\":\"" + error.status() + ": Server Error\",\"code\":0}");
      case Bursts.Timeout timeout -> new Hold(Duration.ofSeconds(30));
      case Bursts.Reset reset -> new PlatformServer.Reset();
      case Bursts.Refused refused -> Answer.json(400, "{\"message\":\"Invalid Form Body\",\"code\":50035}");
    };
  }

  private Answer posted(String chat, String text) {
    return Answer.json(200, message(nextId(), chat, user(BOT_ID, "Switchboard", true), text).toString());
  }

  // ------------------------------------------------------------------ gateway

  private String wsUrl() {
    return "ws://127.0.0.1:" + gateway.port() + "/gateway";
  }

  private void hello(WsContext ctx) {
    ObjectNode hello = JSON.createObjectNode().put("op", 10);
    hello.putObject("d").put("heartbeat_interval", 41250);
    ctx.send(hello.toString());
  }

  private void frame(WsContext ctx, JsonNode frame) {
    switch (frame.path("op").asInt()) {
      case 1 -> ctx.send("{\"op\":11}");
      case 2 -> identify(ctx);
      // A resume is refused: the session is not kept; the test has a gateway that stays up.
      case 6 -> ctx.send("{\"op\":9,\"d\":false}");
      default -> {}
    }
  }

  private void identify(WsContext ctx) {
    ObjectNode ready = JSON.createObjectNode().put("v", 10).put("session_id", "bursts-session")
        .put("resume_gateway_url", wsUrl());
    ready.set("user", user(BOT_ID, "Switchboard", true));
    ready.putArray("private_channels");
    ready.putArray("guilds").addObject().put("id", GUILD).put("unavailable", true);
    ready.putObject("application").put("id", BOT_ID).put("flags", 0);
    ready.putArray("relationships");
    ready.putArray("presences");
    synchronized (lock) {
      connection = ctx;
      sequence = 0;
      send("READY", ready);
      send("GUILD_CREATE", guild());
    }
  }

  private void closed(WsContext ctx) {
    synchronized (lock) {
      if (connection == ctx) {
        connection = null;
      }
    }
  }

  private void dispatch(String type, ObjectNode data) {
    synchronized (lock) {
      if (connection == null) {
        throw new AssertionError("the bot is not connected to the gateway");
      }
      send(type, data);
    }
  }

  // Called with lock held.
  private void send(String type, ObjectNode data) {
    ObjectNode event = JSON.createObjectNode().put("op", 0).put("t", type).put("s", ++sequence);
    event.set("d", data);
    connection.send(event.toString());
  }

  // ------------------------------------------------------------------ payloads

  /** A new snowflake: the time since Discord's epoch, and a counter to keep ids apart. */
  private String nextId() {
    return Long.toString(((Instant.now().toEpochMilli() - DISCORD_EPOCH) << 22) | (ids.incrementAndGet() & 0xFFF));
  }

  private static ObjectNode user(String id, String name, boolean bot) {
    return JSON.createObjectNode().put("id", id).put("username", name).put("global_name", name)
        .put("discriminator", "0").putNull("avatar").put("bot", bot).put("public_flags", 0);
  }

  private static ObjectNode message(String id, String channel, ObjectNode author, String content) {
    ObjectNode message = JSON.createObjectNode().put("id", id).put("type", 0).put("channel_id", channel)
        .put("guild_id", GUILD).put("content", content)
        .put("timestamp", Instant.ofEpochMilli((Long.parseLong(id) >> 22) + DISCORD_EPOCH).toString())
        .putNull("edited_timestamp").put("tts", false).put("mention_everyone", false).put("pinned", false)
        .put("flags", 0);
    message.set("author", author);
    for (String empty : List.of("mentions", "mention_roles", "attachments", "embeds", "components")) {
      message.putArray(empty);
    }
    return message;
  }

  private ObjectNode guild() {
    ObjectNode guild = JSON.createObjectNode().put("id", GUILD).put("name", "Bursts").put("owner_id", USER_ID)
        .put("unavailable", false).put("member_count", 2).put("large", false).put("verification_level", 0)
        .put("default_message_notifications", 0).put("explicit_content_filter", 0).put("mfa_level", 0)
        .put("nsfw_level", 0).put("afk_timeout", 300).put("premium_tier", 0).put("preferred_locale", "en-US")
        .put("joined_at", "2024-01-01T00:00:00.000000+00:00");
    guild.putArray("features");
    ArrayNode roles = guild.putArray("roles");
    roles.addObject().put("id", GUILD).put("name", "@everyone").put("permissions", "8").put("position", 0)
        .put("color", 0).put("hoist", false).put("managed", false).put("mentionable", false).put("flags", 0)
        .putObject("colors").put("primary_color", 0).putNull("secondary_color").putNull("tertiary_color");
    ArrayNode channels = guild.putArray("channels");
    for (int i = 0; i < chats.size(); i++) {
      channels.addObject().put("id", chats.get(i)).put("type", 0).put("guild_id", GUILD).put("name", "chat-" + i)
          .put("position", i).put("nsfw", false).putNull("parent_id").putArray("permission_overwrites");
    }
    guild.putArray("threads");
    ObjectNode member = guild.putArray("members").addObject().put("joined_at", "2024-01-01T00:00:00.000000+00:00")
        .put("deaf", false).put("mute", false).put("flags", 0);
    member.set("user", user(BOT_ID, "Switchboard", true));
    member.putArray("roles");
    for (String empty : List.of("emojis", "stickers", "voice_states", "presences", "stage_instances",
        "guild_scheduled_events")) {
      guild.putArray(empty);
    }
    return guild;
  }

  @Override
  public void close() throws IOException {
    gateway.stop();
    rest.close();
  }
}
