package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The HTTP client under the channel, against a raw loopback server that misbehaves on purpose. */
class TelegramHttpTest {
  private static final Duration SLOW_ANSWER = Duration.ofMillis(1200);

  @Test
  void a_send_to_a_bot_api_that_stays_silent_fails_after_the_request_timeout_not_the_long_polls()
      throws Exception {
    try (Server server = new Server(SLOW_ANSWER, -1);
        TelegramHttp http = new TelegramHttp(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(65))) {
      long began = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> post(http.client(), server));
      long tookMillis = (System.nanoTime() - began) / 1_000_000;
      assertTrue(tookMillis < SLOW_ANSWER.toMillis(), "the send gave up after " + tookMillis + " ms");

      try (Response response = post(http.pollingClient(), server)) {
        assertEquals(200, response.code(), "a long poll waits past the request timeout");
      }
    }
  }

  @Test
  void a_request_whose_reused_connection_is_reset_is_not_sent_again_by_the_http_client() throws Exception {
    try (Server server = new Server(Duration.ZERO, 2);
        TelegramHttp http = new TelegramHttp(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(65))) {
      try (Response first = post(http.client(), server)) {
        assertEquals(200, first.code());
      }
      assertThrows(IOException.class, () -> post(http.client(), server));
      assertEquals(2, server.requests.get(), "requests that reached the server");
    }
  }

  private static Response post(OkHttpClient client, Server server) throws IOException {
    Request request = new Request.Builder()
        .url("http://127.0.0.1:" + server.socket.getLocalPort() + "/botTOKEN/sendMessage")
        .post(RequestBody.create("{\"chat_id\":\"1\",\"text\":\"hi\"}", MediaType.get("application/json")))
        .build();
    return client.newCall(request).execute();
  }

  /**
   * Answers each request 200 after {@code delay} on a kept-alive connection, except request number
   * {@code resetAt} (from 1), whose connection it resets instead; counts the requests that arrive.
   */
  private static final class Server implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger requests = new AtomicInteger();
    private final Duration delay;
    private final int resetAt;

    Server(Duration delay, int resetAt) throws IOException {
      this.delay = delay;
      this.resetAt = resetAt;
      this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::accept);
    }

    private void accept() {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          Thread.ofVirtual().start(() -> serve(connection));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket connection) {
      try (connection) {
        InputStream in = connection.getInputStream();
        while (readRequest(in)) {
          if (requests.incrementAndGet() == resetAt) {
            connection.setSoLinger(true, 0);
            return;
          }
          // A slow Bot API: the delay is the behaviour under test, not a synchronisation.
          Thread.sleep(delay);
          connection.getOutputStream().write(
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
                  .getBytes(ISO_8859_1));
        }
      } catch (IOException | InterruptedException e) {
        // The client went away.
      }
    }

    /** Reads one request's head and body; false at the end of the connection. */
    private static boolean readRequest(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return false;
        }
        head.append((char) b);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      in.readNBytes(length);
      return true;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
