package dev.switchboard.plugins.slack;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.java_websocket.WebSocket;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A loopback fake of Slack's Socket Mode server: says {@code hello} to each connection, sends the
 * envelopes a test asks for, and records the acknowledgements ({@code {"envelope_id": …}}).
 */
final class FakeSocketMode extends WebSocketServer implements AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final CountDownLatch started = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<String> acks = new ArrayList<>(); // guarded by lock
  private final List<WebSocket> open = new ArrayList<>(); // guarded by lock

  private FakeSocketMode() {
    super(new InetSocketAddress("127.0.0.1", 0));
    setConnectionLostTimeout(0);
    setReuseAddr(true);
  }

  static FakeSocketMode start(Duration timeout) throws InterruptedException {
    FakeSocketMode server = new FakeSocketMode();
    server.start();
    if (!server.started.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the fake Socket Mode server did not start");
    }
    return server;
  }

  String url() {
    return "ws://127.0.0.1:" + getPort() + "/link";
  }

  /** Sends an envelope over the newest open connection, waiting for one if there is none. */
  void send(String type, String envelopeId, JsonObject payload, int retryAttempt) {
    JsonObject envelope = new JsonObject();
    envelope.addProperty("envelope_id", envelopeId);
    envelope.addProperty("type", type);
    envelope.add("payload", payload);
    envelope.addProperty("accepts_response_payload", false);
    envelope.addProperty("retry_attempt", retryAttempt);
    if (retryAttempt > 0) {
      envelope.addProperty("retry_reason", "timeout");
    }
    String text = envelope.toString();
    // Like Slack, one envelope goes over one of the app's connections: here the newest that takes
    // it. A socket whose close is still on its way (a channel just stopped) stays in the set until
    // the server's close callback runs and may close between a check and a send; a newer one is
    // preferred, and without any the send waits for a connection.
    await(SEND_TIMEOUT, () -> sendToNewest(text), "a connected client to send " + envelopeId + " to");
  }

  /** Sends {@code text} over the newest open connection that takes it. Called under lock. */
  private boolean sendToNewest(String text) {
    for (WebSocket socket : open.reversed()) {
      if (!socket.isOpen()) {
        continue;
      }
      try {
        socket.send(text);
        return true;
      } catch (WebsocketNotConnectedException closedMeanwhile) {
        // closing; an older socket, or the next wake-up, gets it
      }
    }
    return false;
  }

  /** Waits until {@code count} connections are open. */
  void awaitConnections(int count, Duration timeout) {
    await(timeout, () -> open.size() >= count, count + " open connections");
  }

  /** Waits until the envelope is acknowledged {@code times} times. */
  void awaitAck(String envelopeId, int times, Duration timeout) {
    await(
        timeout,
        () -> acks.stream().filter(envelopeId::equals).count() >= times,
        "envelope " + envelopeId + " acknowledged " + times + " times; acks so far: " + acks());
  }

  List<String> acks() {
    lock.lock();
    try {
      return List.copyOf(acks);
    } finally {
      lock.unlock();
    }
  }

  boolean ownsThread(Thread thread) {
    return thread.getName().startsWith("WebSocketSelector-")
        || thread.getName().startsWith("WebSocketWorker-");
  }

  @Override
  public void close() throws InterruptedException {
    stop(1000);
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket socket, ClientHandshake handshake) {
    lock.lock();
    try {
      open.add(socket);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    socket.send("{\"type\":\"hello\",\"num_connections\":1,\"connection_info\":{\"app_id\":\"A0APP\"}}");
  }

  @Override
  public void onClose(WebSocket socket, int code, String reason, boolean remote) {
    lock.lock();
    try {
      open.remove(socket);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onMessage(WebSocket socket, String message) {
    JsonObject json = JsonParser.parseString(message).getAsJsonObject();
    lock.lock();
    try {
      if (json.has("envelope_id")) {
        acks.add(json.get("envelope_id").getAsString());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onMessage(WebSocket socket, ByteBuffer message) {}

  @Override
  public void onError(WebSocket socket, Exception e) {}

  private void await(Duration timeout, java.util.function.BooleanSupplier done, String what) {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!done.getAsBoolean()) {
        if (nanos <= 0) {
          throw new AssertionError("timed out waiting for " + what);
        }
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    } finally {
      lock.unlock();
    }
  }
}
