package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection: the request line and body go out
 * byte for byte as given, so a test can send what a well-behaved client library refuses to (raw
 * {@code ../}, NUL, invalid UTF-8, a lying Content-Length).
 */
public final class RawHttp {
  private static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

  private final int port;
  private final Duration timeout;

  public RawHttp(int port, Duration timeout) {
    this.port = port;
    this.timeout = timeout;
  }

  /** An answer: status, headers (names in lower case) and body. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, UTF_8);
    }

    @Override
    public String toString() {
      String text = text();
      return status + " " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
    }
  }

  /** A request with a body; {@code path} is written as given (raw bytes, ISO-8859-1). */
  public Answer send(String method, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    return send(requestLine(method, path.getBytes(ISO_8859_1)), headers, body);
  }

  /** A request whose target is raw bytes (to send invalid UTF-8 in a path). */
  public Answer sendRawTarget(String method, byte[] target, Map<String, String> headers, byte[] body)
      throws IOException {
    return send(requestLine(method, target), headers, body);
  }

  public Answer get(String path, Map<String, String> headers) throws IOException {
    return send("GET", path, headers, null);
  }

  public Answer post(String path, Map<String, String> headers, byte[] body) throws IOException {
    return send("POST", path, headers, body);
  }

  private static byte[] requestLine(String method, byte[] target) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    line.writeBytes((method + " ").getBytes(ISO_8859_1));
    line.writeBytes(target);
    line.writeBytes(" HTTP/1.1\r\n".getBytes(ISO_8859_1));
    return line.toByteArray();
  }

  private Answer send(byte[] requestLine, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(requestLine);
      Map<String, String> all = new LinkedHashMap<>();
      all.put("Host", "127.0.0.1:" + port);
      all.put("Connection", "close");
      if (body != null) {
        all.put("Content-Length", Integer.toString(body.length));
      }
      all.putAll(headers);
      all.forEach((name, value) -> request.writeBytes((name + ": " + value + "\r\n").getBytes(UTF_8)));
      request.writeBytes("\r\n".getBytes(ISO_8859_1));
      if (body != null) {
        request.writeBytes(body);
      }
      try {
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException e) {
        // The server may answer (413) and close before the whole body is read; read its answer.
      }
      return read(socket.getInputStream());
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    try {
      while ((n = in.read(buffer)) >= 0) {
        all.write(buffer, 0, n);
        if (all.size() > MAX_ANSWER_BYTES) {
          throw new IOException("the answer is over " + MAX_ANSWER_BYTES + " bytes");
        }
      }
    } catch (java.net.SocketException e) {
      // A reset after the server sent its answer and closed (it had not read all of the body).
      if (all.size() == 0) {
        throw e;
      }
    }
    byte[] bytes = all.toByteArray();
    int end = indexOf(bytes, "\r\n\r\n".getBytes(ISO_8859_1));
    if (end < 0) {
      throw new IOException("no complete HTTP answer: " + new String(bytes, ISO_8859_1));
    }
    String[] lines = new String(bytes, 0, end, ISO_8859_1).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = unchunk(body);
    }
    return new Answer(Integer.parseInt(status[1]), headers, body);
  }

  private static byte[] unchunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < chunked.length) {
      int lineEnd = indexOf(chunked, "\r\n".getBytes(ISO_8859_1), at);
      if (lineEnd < 0) {
        break;
      }
      String sizeText = new String(chunked, at, lineEnd - at, ISO_8859_1).split(";")[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      if (size == 0) {
        break;
      }
      out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
      at = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte[] pattern) {
    return indexOf(bytes, pattern, 0);
  }

  private static int indexOf(byte[] bytes, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= bytes.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
