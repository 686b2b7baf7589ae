package com.example.linechat;

import dev.switchboard.plugin.testkit.PlatformDriver;
import dev.switchboard.plugin.testkit.PlatformFailure;
import dev.switchboard.plugin.testkit.PlatformMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A linechat server on loopback that the tests own and script: the channel's fake platform. */
final class LineChatServer implements PlatformDriver {
  static final String TOKEN = "conformance-token";
  private static final String THREAD_PREFIX = "linechat-server-";

  /** One client connection; writes are serialised. */
  private static final class Client {
    private final Writer out;

    Client(Socket socket) throws IOException {
      out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
    }

    synchronized void write(String... fields) {
      try {
        out.write(LineChatFormat.line(fields) + "\n");
        out.flush();
      } catch (IOException e) {
        // The client went away; what it did not acknowledge is sent again when it is back.
      }
    }
  }

  private final ServerSocket server;
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  private final Map<String, String[]> messages = new ConcurrentHashMap<>();
  private final Map<String, String[]> unacknowledged = new LinkedHashMap<>(); // guarded by this
  private final Map<String, String> sentByKey = new ConcurrentHashMap<>();
  private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicReference<String[]> nextError = new AtomicReference<>();
  private Client listener; // guarded by this

  LineChatServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread("accept", this::accept);
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public Set<Feature> features() {
    return EnumSet.of(Feature.THREADS, Feature.MENTIONS, Feature.DIRECT_MESSAGES, Feature.REPLIES);
  }

  @Override
  public String send(PlatformMessage m) {
    String id = "L-" + ids.incrementAndGet();
    String flags = (m.mention() ? "m" : "") + (m.direct() ? "d" : "");
    String[] line = {
      "MSG", id, m.chat(), m.thread(), m.sender().id(), m.sender().name(), flags, m.replyTo(),
      m.text()
    };
    messages.put(id, line);
    deliver(id, line);
    return id;
  }

  @Override
  public void redeliver(String messageId) {
    deliver(messageId, messages.get(messageId));
  }

  private synchronized void deliver(String id, String[] line) {
    unacknowledged.put(id, line);
    if (listener != null) {
      listener.write(line);
    }
  }

  @Override
  public List<ReceivedMessage> received() {
    return List.copyOf(received);
  }

  @Override
  public OptionalInt maxTextLength() {
    return OptionalInt.of(LineChatFormat.MAX_TEXT_LENGTH);
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    nextError.set(
        switch (failure) {
          case PlatformFailure.RateLimited limited -> {
            String seconds = Long.toString(limited.retryAfter().toSeconds());
            yield new String[] {"ERR", "429", seconds, "slow down"};
          }
          case PlatformFailure.ServerError error -> new String[] {"ERR", "503", null, "overloaded"};
          case PlatformFailure.AuthFailure auth -> new String[] {"ERR", "401", null, "bad token"};
        });
  }

  @Override
  public boolean ownsThread(Thread thread) {
    return thread.getName().startsWith(THREAD_PREFIX);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }

  private void accept() {
    try {
      while (true) {
        Socket socket = server.accept();
        sockets.add(socket);
        thread("client", () -> serve(socket));
      }
    } catch (IOException e) {
      // The server was closed.
    }
  }

  private void serve(Socket socket) {
    try (socket;
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      Client client = new Client(socket);
      List<String> hello = LineChatFormat.fields(in.readLine());
      if (!TOKEN.equals(hello.get(1))) {
        client.write("ERR", "401", null, "bad token");
        return;
      }
      client.write("OK");
      for (String line; (line = in.readLine()) != null; ) {
        List<String> fields = LineChatFormat.fields(line);
        switch (fields.get(0)) {
          case "LISTEN" -> listen(client);
          case "ACK" -> acknowledge(fields.get(1));
          case "SEND" -> client.write(answerSend(fields));
          default -> client.write("ERR", "400", null, "unknown command");
        }
      }
    } catch (IOException e) {
      // The client went away.
    }
  }

  private synchronized void listen(Client client) {
    listener = client;
    unacknowledged.values().forEach(client::write);
  }

  private synchronized void acknowledge(String id) {
    unacknowledged.remove(id);
  }

  private String[] answerSend(List<String> fields) {
    String[] error = nextError.getAndSet(null);
    if (error != null) {
      return error;
    }
    String text = fields.get(4) == null ? "" : fields.get(4);
    if (text.length() > LineChatFormat.MAX_TEXT_LENGTH) {
      return new String[] {"ERR", "400", null, "text too long"};
    }
    String id =
        sentByKey.computeIfAbsent(
            fields.get(1),
            key -> {
              String made = "S-" + ids.incrementAndGet();
              received.add(ReceivedMessage.text(fields.get(2), fields.get(3), made, text));
              return made;
            });
    return new String[] {"SENT", id};
  }

  private void thread(String name, Runnable body) {
    Thread.ofPlatform().daemon().name(THREAD_PREFIX + name + "-" + threads.incrementAndGet())
        .start(body);
  }
}
