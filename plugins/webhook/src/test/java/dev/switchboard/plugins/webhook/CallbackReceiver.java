package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** An integrator's callback endpoint on loopback: records each call and answers as told. */
final class CallbackReceiver implements AutoCloseable {
  record Call(Headers headers, String body) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile String retryAfter;

  /** While set, each call waits for it (up to 10 s) before answering: a slow receiver. */
  volatile CountDownLatch hold;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  CallbackReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/replies", this::answer);
    server.setExecutor(executor);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/replies");
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      calls.add(new Call(exchange.getRequestHeaders(), new String(in.readAllBytes(), UTF_8)));
      CountDownLatch waitFor = hold;
      if (waitFor != null) {
        waitFor.await(10, TimeUnit.SECONDS);
      }
      if (retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      exchange.sendResponseHeaders(status, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    CountDownLatch waitFor = hold;
    if (waitFor != null) {
      waitFor.countDown();
    }
    server.stop(0);
    executor.shutdownNow();
    executor.awaitTermination(5, TimeUnit.SECONDS);
  }
}
