package com.example.linechat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** One connection to the chat server, greeted with the bot's token. */
final class LineChatConnection implements AutoCloseable {

  /** The server answered {@code ERR status retryAfterSeconds reason}. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final Duration retryAfter;

    Refused(List<String> fields) {
      super("the server answered " + fields);
      this.status = fields.size() > 1 ? parse(fields.get(1), 500) : 500;
      this.retryAfter = Duration.ofSeconds(fields.size() > 2 ? parse(fields.get(2), 1) : 1);
    }

    private static int parse(String number, int otherwise) {
      try {
        return Integer.parseInt(number);
      } catch (NumberFormatException e) {
        return otherwise;
      }
    }
  }

  private final Socket socket;
  private final BufferedReader in;
  private final Writer out;

  private LineChatConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
  }

  /** Connects and sends {@code HELLO token}; the server answers {@code OK} or refuses. */
  static LineChatConnection open(LineChatSettings settings) throws IOException {
    Socket socket = new Socket();
    try {
      InetSocketAddress address = settings.address();
      socket.connect(
          new InetSocketAddress(address.getHostString(), address.getPort()),
          (int) settings.timeout().toMillis());
      socket.setSoTimeout((int) settings.timeout().toMillis());
      LineChatConnection connection = new LineChatConnection(socket);
      connection.write("HELLO", settings.token());
      connection.expect("OK");
      return connection;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  void write(String... fields) throws IOException {
    out.write(LineChatFormat.line(fields) + "\n");
    out.flush();
  }

  /** The next line's fields, or null when the server closed the connection. */
  List<String> read() throws IOException {
    String line = in.readLine();
    return line == null ? null : LineChatFormat.fields(line);
  }

  /** Reads the answer to a command: its fields if it starts with {@code word}, else refused. */
  List<String> expect(String word) throws IOException {
    List<String> answer = read();
    if (answer == null) {
      throw new IOException("the server closed the connection");
    }
    if (!word.equals(answer.get(0))) {
      throw new Refused(answer);
    }
    return answer;
  }

  /** From now on, reads wait as long as it takes (for a connection that listens). */
  void waitIndefinitely() throws IOException {
    socket.setSoTimeout(0);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing is left to release.
    }
  }
}
