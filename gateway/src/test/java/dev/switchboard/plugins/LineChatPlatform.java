package dev.switchboard.plugins;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A linechat server (the protocol of examples/plugins/linechat, written here again from its
 * description) for the gateway to connect to: it says things in a chat and records what the bot
 * acknowledges and sends.
 */
final class LineChatPlatform implements AutoCloseable {
  final BlockingQueue<String> acknowledged = new LinkedBlockingQueue<>();
  final BlockingQueue<List<String>> sent = new LinkedBlockingQueue<>();
  private final BlockingQueue<Writer> listeners = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final String token;

  LineChatPlatform(String token) throws IOException {
    this.token = token;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("linechat-platform-accept").start(this::accept);
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Writes a message from user u1 in {@code chat} to the bot's listening connection. */
  void say(String chat, String id, String text) throws IOException {
    Writer listener = Await.next(listeners, Duration.ofSeconds(30), "the bot to listen");
    listeners.add(listener);
    synchronized (listener) {
      listener.write(line("MSG", id, chat, null, "u1", "Ada", "", null, text));
      listener.flush();
    }
  }

  private void accept() {
    try {
      while (true) {
        Socket socket = server.accept();
        sockets.add(socket);
        Thread.ofVirtual().start(() -> serve(socket));
      }
    } catch (IOException e) {
      // Closed.
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8))) {
      Writer out = new OutputStreamWriter(socket.getOutputStream(), UTF_8);
      List<String> hello = fields(in.readLine());
      synchronized (out) {
        out.write(token.equals(hello.get(1)) ? line("OK") : line("ERR", "401", null, "bad token"));
        out.flush();
      }
      for (String text; (text = in.readLine()) != null; ) {
        List<String> fields = fields(text);
        switch (fields.get(0)) {
          case "LISTEN" -> listeners.add(out);
          case "ACK" -> acknowledged.add(fields.get(1));
          case "SEND" -> {
            sent.add(fields);
            synchronized (out) {
              out.write(line("SENT", "S-" + sent.size()));
              out.flush();
            }
          }
          default -> throw new IOException("unexpected " + text);
        }
      }
    } catch (IOException e) {
      // The bot went away.
    }
  }

  private static String line(String... fields) {
    List<String> escaped = new ArrayList<>();
    for (String field : fields) {
      escaped.add(field == null ? "" : escape(field));
    }
    return String.join("\t", escaped) + "\n";
  }

  private static String escape(String field) {
    return field
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r");
  }

  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    for (String field : line.split("\t", -1)) {
      fields.add(field.isEmpty() ? null : unescape(field));
    }
    return fields;
  }

  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 1 < field.length()) {
        char next = field.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
