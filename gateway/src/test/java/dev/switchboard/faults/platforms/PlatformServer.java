package dev.switchboard.faults.platforms;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of a loopback fake platform API, on a raw {@link ServerSocket}. Connections are
 * kept alive as the real APIs keep them, so an HTTP client reuses them and shows what it does when
 * a reused connection fails; and a request can be answered with what a friendly HTTP server cannot
 * do: a TCP reset instead of an answer, or no answer until the caller gives up. Every request that
 * arrives whole is kept as an {@link Exchange}, with when it arrived and how it ended.
 */
final class PlatformServer implements AutoCloseable {
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** What the server does with one request. */
  sealed interface Action {}

  /** Answers {@code status} with {@code body} after {@code delay}; the connection stays open. */
  record Answer(int status, Map<String, String> headers, String body, Duration delay) implements Action {
    Answer {
      headers = Map.copyOf(headers);
    }

    static Answer json(int status, String body) {
      return new Answer(status, Map.of("Content-Type", "application/json; charset=utf-8"), body, Duration.ZERO);
    }

    Answer header(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Answer(status, more, body, delay);
    }

    Answer after(Duration wait) {
      return new Answer(status, headers, body, wait);
    }
  }

  /** Closes the connection with a TCP reset, answering nothing. */
  record Reset() implements Action {}

  /** Answers nothing and keeps the connection open until the caller closes it (or {@code max}). */
  record Hold(Duration max) implements Action {}

  /** Chooses the action for a request; called once per request, on the request's connection. */
  @FunctionalInterface
  interface Handler {
    Action handle(Exchange exchange);
  }

  /** One request as it arrived, and how it ended. Times are {@link System#nanoTime()}. */
  static final class Exchange {
    final int index;
    final int connection;
    final int onConnection;
    final long arrivedAt;
    final String method;
    final String path;
    final String query;
    final Map<String, String> headers;
    final byte[] body;
    private volatile Action action;
    private volatile long endedAt;

    private Exchange(int index, int connection, int onConnection, long arrivedAt, String method,
        String target, Map<String, String> headers, byte[] body) {
      this.index = index;
      this.connection = connection;
      this.onConnection = onConnection;
      this.arrivedAt = arrivedAt;
      this.method = method;
      int question = target.indexOf('?');
      this.path = question < 0 ? target : target.substring(0, question);
      this.query = question < 0 ? "" : target.substring(question + 1);
      this.headers = headers;
      this.body = body;
    }

    String text() {
      return new String(body, UTF_8);
    }

    /** The action taken; null while it is being chosen. */
    Action action() {
      return action;
    }

    /** When the answer was written, the reset done or the hold released; 0 until then. */
    long endedAt() {
      return endedAt;
    }

    /** Whether an earlier request was answered on the same connection: a reused connection. */
    boolean reused() {
      return onConnection > 0;
    }

    @Override
    public String toString() {
      return "#" + index + " " + method + " " + path + " on connection " + connection + " (request "
          + (onConnection + 1) + " on it)";
    }
  }

  private final Handler handler;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Exchange> exchanges = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<Socket> open = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean closed;

  PlatformServer(String name, Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name(name + "-acceptor").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  String base() {
    return "http://127.0.0.1:" + port();
  }

  /** Every whole request so far, in arrival order. */
  List<Exchange> exchanges() {
    synchronized (exchanges) {
      return List.copyOf(exchanges);
    }
  }

  /** Requests the server could not read or serve. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        int number = connections.incrementAndGet();
        synchronized (open) {
          open.add(socket);
        }
        Thread.ofVirtual().name("platform-connection-" + number).start(() -> serve(socket, number));
      } catch (IOException e) {
        if (!closed) {
          problem("accept failed: " + e);
        }
      }
    }
  }

  private void serve(Socket socket, int connection) {
    try (socket) {
      socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      for (int onConnection = 0; ; onConnection++) {
        Exchange exchange = read(in, connection, onConnection);
        if (exchange == null) {
          return;
        }
        Action action;
        try {
          action = handler.handle(exchange);
        } catch (RuntimeException e) {
          problem("handling " + exchange + ": " + e);
          action = Answer.json(500, "{\"error\":\"the fake failed\"}");
        }
        if (!act(exchange, action, socket, in, out)) {
          return;
        }
      }
    } catch (SocketTimeoutException | SocketException e) {
      // Idle past the timeout, or the caller closed or reset the connection: nothing to serve.
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        problem("serving connection " + connection + ": " + e);
      }
    } finally {
      synchronized (open) {
        open.remove(socket);
      }
    }
  }

  /** The next request on the connection, or null when the caller closed it between requests. */
  private Exchange read(InputStream in, int connection, int onConnection) throws IOException {
    String head = readHead(in);
    if (head == null) {
      return null;
    }
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3) {
      throw new IOException("not an HTTP request line: " + lines[0]);
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
      }
    }
    if (headers.containsKey("Transfer-Encoding")) {
      throw new IOException("a chunked request body, which this fake does not read: " + lines[0]);
    }
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
    if (length < 0 || length > MAX_BODY_BYTES) {
      throw new IOException("a request body of " + length + " bytes: " + lines[0]);
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      return null; // The caller went away mid-request: nothing reached the platform.
    }
    synchronized (exchanges) {
      Exchange exchange = new Exchange(exchanges.size(), connection, onConnection, System.nanoTime(),
          requestLine[0], requestLine[1], headers, body);
      exchanges.add(exchange);
      return exchange;
    }
  }

  /** Does what {@code action} says; returns whether the connection can take another request. */
  private static boolean act(Exchange exchange, Action action, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    switch (action) {
      case Answer answer -> {
        if (answer.delay().isPositive()) {
          // A slow platform: the delay is the behaviour under test, not a synchronisation.
          sleep(answer.delay());
        }
        byte[] body = answer.body().getBytes(UTF_8);
        StringBuilder response = new StringBuilder("HTTP/1.1 ").append(answer.status()).append(' ')
            .append(reason(answer.status())).append("\r\n")
            .append("Content-Length: ").append(body.length).append("\r\n");
        answer.headers().forEach((name, value) -> response.append(name).append(": ").append(value).append("\r\n"));
        response.append("\r\n");
        exchange.action = action;
        exchange.endedAt = System.nanoTime();
        try {
          out.write(response.toString().getBytes(ISO_8859_1));
          out.write(body);
          out.flush();
        } catch (IOException e) {
          return false; // The caller gave up meanwhile; the platform had the request all the same.
        }
        return !"close".equalsIgnoreCase(exchange.headers.get("Connection"));
      }
      case Reset reset -> {
        exchange.action = action;
        exchange.endedAt = System.nanoTime();
        socket.setSoLinger(true, 0);
        socket.close();
        return false;
      }
      case Hold hold -> {
        exchange.action = action;
        socket.setSoTimeout((int) Math.max(1, hold.max().toMillis()));
        try {
          while (in.read() >= 0) {
            // Nothing more is expected; wait for the caller to close.
          }
        } catch (SocketTimeoutException | SocketException e) {
          // Held for the longest allowed, or the caller reset the connection.
        }
        exchange.endedAt = System.nanoTime();
        return false;
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
        if (head.size() == 0) {
          return null;
        }
        throw new IOException("the request ended inside its headers");
      }
      head.write(b);
      if (head.size() > MAX_HEADER_BYTES) {
        throw new IOException("request headers over " + MAX_HEADER_BYTES + " bytes");
      }
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1
          : (b == '\r' ? 1 : 0);
    }
    return head.toString(ISO_8859_1);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
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

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    List<Socket> sockets;
    synchronized (open) {
      sockets = List.copyOf(open);
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    try {
      acceptor.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
