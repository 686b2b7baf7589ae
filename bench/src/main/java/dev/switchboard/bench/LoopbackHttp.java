package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A small blocking HTTP/1.1 client for the loopback gateway: keep-alive connections, one request
 * at a time on each, bodies by {@code Content-Length} or chunked. The driver shares the gateway's
 * two cores, so its own cost per request is part of what it measures; the JDK's {@code HttpClient}
 * spent about two milliseconds of CPU per request here (its selector thread, futures and
 * hand-offs), this client a small fraction of that. Callers block; run them on virtual threads.
 */
final class LoopbackHttp implements AutoCloseable {
  private static final int MAX_HEADER_LINE = 16 * 1024;

  /** A response: its status, its {@code Retry-After} header (null when absent) and its body. */
  record Response(int status, String retryAfter, byte[] body) {
    Response(int status, byte[] body) {
      this(status, null, body);
    }
  }

  /** No connection could be made (refused, or not accepted within the connect timeout). */
  static final class ConnectFailed extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectFailed(IOException cause) {
      super("could not connect: " + cause.getMessage(), cause);
    }
  }

  private static final class Connection implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private final java.util.Set<Connection> registry;

    Connection(Socket socket, java.util.Set<Connection> registry) throws IOException {
      this.registry = registry;
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    @Override
    public void close() {
      registry.remove(this);
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private final Map<String, ConcurrentLinkedDeque<Connection>> idle = new ConcurrentHashMap<>();
  /** Every connection not yet closed, idle or in use: closing the client closes them all. */
  private final java.util.Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Duration connectTimeout;
  private volatile boolean closed;

  LoopbackHttp(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * Sends one request and reads its whole response. A request that fails on a reused connection
   * before any byte of the answer arrived (the server closed it while idle) is sent once more on a
   * new connection; anything else is the caller's failure.
   */
  Response send(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException {
    String key = uri.getHost() + ":" + uri.getPort();
    byte[] head = head(method, uri, headers, body);
    Connection reused = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
    if (reused != null) {
      try {
        return exchange(key, reused, head, body, timeout);
      } catch (StaleConnection e) {
        reused.close();
      }
    }
    Connection fresh = connect(uri);
    try {
      return exchange(key, fresh, head, body, timeout);
    } catch (StaleConnection e) {
      throw new IOException("the server closed the connection without answering", e);
    }
  }

  private Connection connect(URI uri) throws IOException {
    if (closed) {
      throw new IOException("the client is closed");
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      try {
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) connectTimeout.toMillis());
      } catch (IOException e) {
        throw new ConnectFailed(e);
      }
      Connection c = new Connection(socket, open);
      open.add(c);
      if (closed) {
        c.close();
        throw new IOException("the client is closed");
      }
      return c;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static byte[] head(String method, URI uri, Map<String, String> headers, byte[] body) {
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    StringBuilder h = new StringBuilder(256);
    h.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    h.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    headers.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      h.append("Content-Length: ").append(body.length).append("\r\n");
    }
    h.append("\r\n");
    return h.toString().getBytes(ISO_8859_1);
  }

  /** A reused connection that turned out to be closed before its answer began. */
  private static final class StaleConnection extends IOException {
    StaleConnection(Throwable cause) {
      super(cause);
    }
  }

  private Response exchange(String key, Connection c, byte[] head, byte[] body, Duration timeout)
      throws IOException {
    boolean started = false;
    try {
      c.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      c.out.write(head);
      if (body != null) {
        c.out.write(body);
      }
      c.out.flush();
      int first = c.in.read();
      if (first < 0) {
        throw new StaleConnection(new IOException("end of stream before the status line"));
      }
      started = true;
      String status = line(c.in, first);
      if (!status.startsWith("HTTP/1.") || status.length() < 12) {
        throw new IOException("not an HTTP/1.x status line: " + status);
      }
      int code = Integer.parseInt(status.substring(9, 12));
      long length = -1;
      String retryAfter = null;
      boolean chunked = false;
      boolean close = status.startsWith("HTTP/1.0");
      for (String line = line(c.in, c.in.read()); !line.isEmpty(); line = line(c.in, c.in.read())) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          continue;
        }
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close |= value.equalsIgnoreCase("close");
          case "retry-after" -> retryAfter = value;
          default -> {}
        }
      }
      byte[] content;
      if (chunked) {
        content = chunked(c.in);
      } else if (length >= 0) {
        content = c.in.readNBytes((int) length);
        if (content.length != length) {
          throw new IOException("the body ended after " + content.length + " of " + length + " bytes");
        }
      } else {
        content = c.in.readAllBytes();
        close = true;
      }
      if (close || closed) {
        c.close();
      } else {
        idle.get(key).offerFirst(c);
      }
      return new Response(code, retryAfter, content);
    } catch (IOException | RuntimeException e) {
      c.close();
      if (!started
          && !(e instanceof StaleConnection)
          && !(e instanceof java.net.SocketTimeoutException)
          && e instanceof IOException io) {
        throw new StaleConnection(io);
      }
      throw e;
    }
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    while (true) {
      String size = line(in, in.read());
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
      if (n == 0) {
        // Trailers, up to the empty line.
        for (String line = line(in, in.read()); !line.isEmpty(); line = line(in, in.read())) {
          // ignored
        }
        return content.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length != n) {
        throw new IOException("a chunk ended early");
      }
      content.write(chunk);
      line(in, in.read());
    }
  }

  /** One header line without its CRLF; {@code first} is its first byte, already read. */
  private static String line(InputStream in, int first) throws IOException {
    StringBuilder s = new StringBuilder(64);
    int b = first;
    while (true) {
      if (b < 0) {
        throw new IOException("end of stream inside the response head");
      }
      if (b == '\n') {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '\r') {
          s.setLength(end - 1);
        }
        return s.toString();
      }
      if (s.length() >= MAX_HEADER_LINE) {
        throw new IOException("a response header line longer than " + MAX_HEADER_LINE + " bytes");
      }
      s.append((char) b);
      b = in.read();
    }
  }

  /** Closes every connection; requests still waiting for an answer fail with an IOException. */
  @Override
  public void close() {
    closed = true;
    idle.clear();
    for (Connection c : java.util.List.copyOf(open)) {
      c.close();
    }
  }
}
