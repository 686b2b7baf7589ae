package dev.switchboard.faults.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The least of the Telegram Bot API and the Slack Web API that lets their channels start and send
 * a reply, on one loopback port: every call succeeds with a small well-formed answer, and is
 * recorded by its method name. Telegram's calls come as {@code /bot<token>/<method>}, Slack's as
 * {@code /api/<method>}.
 */
final class PlatformApis implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<String> calls = new CopyOnWriteArrayList<>();

  PlatformApis() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::answer);
    server.setExecutor(executor);
    server.start();
  }

  /** The Telegram API URL setting: scheme, host and port. */
  String telegramUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The Slack API URL setting, ending in {@code /}. */
  String slackUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  /** The methods called so far, as {@code telegram:<method>} or {@code slack:<method>}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String method = path.substring(path.lastIndexOf('/') + 1);
      String body;
      if (path.startsWith("/api/")) {
        calls.add("slack:" + method);
        body = slack(method);
      } else {
        calls.add("telegram:" + method.toLowerCase(Locale.ROOT));
        body = telegram(method.toLowerCase(Locale.ROOT));
      }
      byte[] bytes = body.getBytes(UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private static String telegram(String method) {
    return switch (method) {
      case "getme" ->
          "{\"ok\":true,\"result\":{\"id\":777000111,\"is_bot\":true,\"first_name\":\"Switchboard\","
              + "\"username\":\"sb_test_bot\"}}";
      case "sendmessage" ->
          "{\"ok\":true,\"result\":{\"message_id\":"
              + System.nanoTime() % 1_000_000
              + ",\"date\":1700000000,\"chat\":{\"id\":4242,\"type\":\"private\"},\"text\":\"ok\"}}";
      default -> "{\"ok\":true,\"result\":true}";
    };
  }

  private static String slack(String method) {
    return switch (method) {
      case "auth.test" ->
          "{\"ok\":true,\"url\":\"https://test.slack.com/\",\"team\":\"Test\",\"user\":\"switchboard\","
              + "\"team_id\":\"T0000001\",\"user_id\":\"U0000BOT\",\"bot_id\":\"B0000BOT\"}";
      case "conversations.info" ->
          "{\"ok\":true,\"channel\":{\"id\":\"C0000001\",\"name\":\"general\",\"is_channel\":true,"
              + "\"is_im\":false,\"is_mpim\":false}}";
      case "users.info" ->
          "{\"ok\":true,\"user\":{\"id\":\"U0000001\",\"name\":\"ada\",\"real_name\":\"Ada\","
              + "\"profile\":{\"display_name\":\"Ada\",\"real_name\":\"Ada\"}}}";
      case "chat.postMessage" ->
          "{\"ok\":true,\"channel\":\"C0000001\",\"ts\":\"1700000000."
              + String.format("%06d", System.nanoTime() % 1_000_000)
              + "\"}";
      default -> "{\"ok\":true}";
    };
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
