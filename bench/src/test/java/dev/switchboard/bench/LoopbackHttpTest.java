package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The driver's HTTP/1.1 client against a hand-written loopback server. */
class LoopbackHttpTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requestLines = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /**
   * Serves each connection on a virtual thread: {@code answer} maps the number of the request on
   * that connection (1, 2, ...) to the raw bytes to write back, or null to close without answering.
   */
  private URI serve(Function<Integer, String> answer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          connections.incrementAndGet();
          Thread.ofVirtual().start(() -> handle(socket, answer));
        } catch (IOException e) {
          return;
        }
      }
    });
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void handle(Socket socket, Function<Integer, String> answer) {
    try (socket;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1))) {
      OutputStream out = socket.getOutputStream();
      for (int n = 1; ; n++) {
        String requestLine = in.readLine();
        if (requestLine == null) {
          return;
        }
        requestLines.add(requestLine);
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.skip(length);
        String response = answer.apply(n);
        if (response == null) {
          return;
        }
        out.write(response.getBytes(UTF_8));
        out.flush();
      }
    } catch (IOException ignored) {
      // the client went away
    }
  }

  @Test
  void requests_share_a_kept_alive_connection_and_bodies_are_read_by_length() throws Exception {
    URI base = serve(n -> "HTTP/1.1 202 Accepted\r\nContent-Length: 7\r\n\r\nstored" + n);
    try (LoopbackHttp http = new LoopbackHttp(TIMEOUT)) {
      for (int i = 1; i <= 3; i++) {
        LoopbackHttp.Response r =
            http.send("POST", base.resolve("/webhooks/webhook"), Map.of("X-A", "b"), "{}".getBytes(UTF_8), TIMEOUT);
        assertEquals(202, r.status());
        assertEquals("stored" + i, new String(r.body(), UTF_8));
      }
    }
    assertEquals(1, connections.get(), "one connection for all three");
    assertEquals("POST /webhooks/webhook HTTP/1.1", requestLines.get(0));
  }

  @Test
  void a_chunked_body_is_put_together() throws Exception {
    URI base =
        serve(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n");
    try (LoopbackHttp http = new LoopbackHttp(TIMEOUT)) {
      LoopbackHttp.Response r = http.send("GET", base.resolve("/a?b=c"), Map.of(), null, TIMEOUT);
      assertEquals("hello, world", new String(r.body(), UTF_8));
      assertEquals("GET /a?b=c HTTP/1.1", requestLines.get(0));
      // And the connection is still usable after the last chunk.
      assertEquals(200, http.send("GET", base.resolve("/"), Map.of(), null, TIMEOUT).status());
    }
    assertEquals(1, connections.get());
  }

  @Test
  void a_connection_the_server_closed_while_idle_is_replaced_once() throws Exception {
    // Each connection answers its first request, then closes without answering the second.
    URI base = serve(n -> n == 1 ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : null);
    try (LoopbackHttp http = new LoopbackHttp(TIMEOUT)) {
      assertEquals(200, http.send("GET", base.resolve("/"), Map.of(), null, TIMEOUT).status());
      assertEquals(200, http.send("GET", base.resolve("/"), Map.of(), null, TIMEOUT).status());
    }
    assertEquals(2, connections.get(), "the second request went out again on a new connection");
  }

  @Test
  void a_server_that_never_answers_fails_the_request_instead_of_retrying_for_ever() throws Exception {
    URI base = serve(n -> null);
    try (LoopbackHttp http = new LoopbackHttp(TIMEOUT)) {
      assertThrows(IOException.class, () -> http.send("GET", base.resolve("/"), Map.of(), null, TIMEOUT));
    }
  }
}
