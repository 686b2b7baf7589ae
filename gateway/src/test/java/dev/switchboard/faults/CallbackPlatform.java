package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback fake of the platform behind the webhook channel's {@code callbackUrl}: a plain HTTP/1.1
 * server on a raw {@link ServerSocket}, so that it can also do what a friendly HTTP server cannot —
 * reset a connection without answering, or hold a request past the caller's timeout. Every request
 * that arrives whole is logged as a {@link Call} (chat, reply id, seq, text, idempotency key, when),
 * then answered as the test's {@link Behaviour} says. One request per connection ({@code Connection:
 * close}), so each attempt of the gateway is one connection here.
 */
final class CallbackPlatform implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  /** What the platform does with one request. */
  sealed interface Action {}

  /** Answers {@code status} after {@code delay}, with {@code Retry-After} when it is not null. */
  record Answer(int status, Duration delay, Integer retryAfterSeconds) implements Action {}

  /** Closes the connection with a TCP reset, answering nothing. */
  record Reset() implements Action {}

  /** Answers nothing and keeps the connection open until the caller gives up (or {@code max}). */
  record Hold(Duration max) implements Action {}

  /** Chooses the action for a call; called once per call, in arrival order per connection. */
  interface Behaviour extends Function<Call, Action> {}

  /** One request as it arrived, and how it ended. Times are {@link System#nanoTime()}. */
  static final class Call {
    final int index;
    final long arrivedAt;
    final String idempotencyKey;
    final String id;
    final long seq;
    final String chat;
    final String text;
    final String replyTo;
    private volatile Action action;
    private volatile long endedAt;

    Call(int index, long arrivedAt, String idempotencyKey, JsonNode body) {
      this.index = index;
      this.arrivedAt = arrivedAt;
      this.idempotencyKey = idempotencyKey;
      this.id = text(body, "id");
      this.seq = body.path("seq").asLong(-1);
      this.chat = text(body, "chat");
      this.text = text(body, "text");
      this.replyTo = text(body, "replyTo");
    }

    /** The action taken; null while it is being chosen. */
    Action action() {
      return action;
    }

    /** When the answer was written, the reset done or the hold released; 0 until then. */
    long endedAt() {
      return endedAt;
    }

    /** Answered with a 2xx: the platform took the reply. */
    boolean accepted() {
      return action instanceof Answer a && a.status() >= 200 && a.status() < 300;
    }

    /** A short name of the outcome: the status, "reset" or "timeout". */
    String outcome() {
      return switch (action) {
        case null -> "pending";
        case Answer a -> Integer.toString(a.status());
        case Reset r -> "reset";
        case Hold h -> "timeout";
      };
    }

    @Override
    public String toString() {
      return "call #" + index + " " + chat + " " + id + " seq " + seq + " '" + text + "' → " + outcome();
    }

    private static String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : value.asText();
    }
  }

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Call> calls = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile Behaviour behaviour;
  private volatile boolean closed;

  CallbackPlatform(Behaviour behaviour) throws IOException {
    this.behaviour = behaviour;
    this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("callback-platform").start(this::accept);
  }

  /** The URL to configure as {@code channels.webhook.callbackUrl}. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/replies";
  }

  /** Every whole request so far, in arrival order. */
  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  int callCount() {
    synchronized (calls) {
      return calls.size();
    }
  }

  /** Requests the platform could not read (malformed, not JSON); a gateway that is killed mid-send leaves one. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        connections.incrementAndGet();
        Thread.ofVirtual().name("callback-connection").start(() -> serve(socket));
      } catch (IOException e) {
        if (!closed) {
          problem("accept failed: " + e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      String head = readHead(in);
      if (head == null) {
        return; // Opened and closed without a request.
      }
      String[] lines = head.split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
        }
      }
      if (!lines[0].startsWith("POST ")) {
        problem("not a POST: " + lines[0]);
        return;
      }
      int length = Integer.parseInt(headers.getOrDefault("Content-Length", "-1"));
      if (length < 0) {
        problem("a POST without Content-Length: " + head);
        return;
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return; // The caller went away mid-request (killed): nothing reached the platform.
      }
      Call call;
      synchronized (calls) {
        call = new Call(calls.size(), System.nanoTime(), headers.get("Idempotency-Key"),
            JSON.readTree(new String(body, UTF_8)));
        calls.add(call);
      }
      act(call, behaviour.apply(call), socket, in);
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        problem("serving a callback: " + e);
      }
    }
  }

  private static void act(Call call, Action action, Socket socket, InputStream in) throws IOException {
    switch (action) {
      case Answer answer -> {
        if (answer.delay().isPositive()) {
          // A slow platform: the delay is the behaviour under test, not a synchronisation.
          sleep(answer.delay());
        }
        call.action = action;
        call.endedAt = System.nanoTime();
        StringBuilder response =
            new StringBuilder("HTTP/1.1 ").append(answer.status()).append(' ')
                .append(reason(answer.status())).append("\r\n")
                .append("Content-Length: 0\r\nConnection: close\r\n");
        if (answer.retryAfterSeconds() != null) {
          response.append("Retry-After: ").append(answer.retryAfterSeconds()).append("\r\n");
        }
        response.append("\r\n");
        OutputStream out = socket.getOutputStream();
        try {
          out.write(response.toString().getBytes(ISO_8859_1));
          out.flush();
        } catch (IOException e) {
          // The caller gave up or was killed meanwhile; the platform had the request all the same.
        }
      }
      case Reset reset -> {
        call.action = action;
        call.endedAt = System.nanoTime();
        socket.setSoLinger(true, 0);
        socket.close();
      }
      case Hold hold -> {
        call.action = action;
        socket.setSoTimeout((int) Math.max(1, hold.max().toMillis()));
        try {
          while (in.read() >= 0) {
            // Nothing more is expected; wait for the caller to close.
          }
        } catch (SocketTimeoutException | java.net.SocketException e) {
          // Held for the longest allowed, or the caller reset the connection.
        }
        call.endedAt = System.nanoTime();
      }
    }
  }

  /** The request line and headers, or null at end of input before any byte. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return head.size() == 0 ? null : fail("the request ended inside its headers");
      }
      head.write(b);
      if (head.size() > MAX_HEADER_BYTES) {
        return fail("request headers over " + MAX_HEADER_BYTES + " bytes");
      }
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1
          : (b == '\r' ? 1 : 0);
    }
    return head.toString(ISO_8859_1);
  }

  private static String fail(String why) throws IOException {
    throw new IOException(why);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  private void problem(String text) {
    synchronized (problems) {
      problems.add(text);
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A line per outcome, with counts: "200 ×812, reset ×4". */
  static String outcomes(List<Call> calls) {
    Map<String, Integer> counts = new TreeMap<>();
    calls.forEach(c -> counts.merge(c.outcome(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s ×%d", k, v)));
    return String.join(", ", parts);
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    try {
      acceptor.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
