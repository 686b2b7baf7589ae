package dev.switchboard.plugins.telegram;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.RealConnectionPool;

/**
 * The HTTP client under the telegrambots client, built so that closing it ends every thread it
 * started. OkHttp's defaults keep process-wide threads alive for a minute after the last call: a
 * dispatcher pool, a connection-cleanup pool and Okio's timeout watchdog. Here calls run on
 * virtual threads of an executor this class shuts down, connection cleanup runs on a task runner
 * of its own, and read timeouts are socket timeouts rather than watchdog timeouts.
 *
 * <p>Known debt: the task runner and connection pool are OkHttp internals (public in bytecode,
 * internal in Kotlin), and may change in OkHttp 5. Fix: when telegrambots moves to OkHttp 5, check
 * whether its public API lets a client own its task runner and switch to that.
 */
final class TelegramHttp implements AutoCloseable {
  private final ExecutorService calls;
  private final TaskRunner.RealBackend cleanupBackend;
  private final OkHttpClient client;
  private final OkHttpClient pollingClient;

  /**
   * @param readTimeout how long a call may go without reading a byte
   * @param pollReadTimeout the same for long polls, which wait for updates on purpose
   */
  TelegramHttp(Duration connectTimeout, Duration readTimeout, Duration pollReadTimeout) {
    calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("telegram-http-", 0).factory());
    cleanupBackend = new TaskRunner.RealBackend(Thread.ofVirtual().name("telegram-http-pool-", 0).factory());
    ConnectionPool pool =
        new ConnectionPool(
            new RealConnectionPool(new TaskRunner(cleanupBackend), 5, 5, TimeUnit.MINUTES));
    client =
        new OkHttpClient.Builder()
            .dispatcher(new Dispatcher(calls))
            .connectionPool(pool)
            .socketFactory(new TimedSocketFactory((int) readTimeout.toMillis()))
            .connectTimeout(connectTimeout)
            // Zero: enforced by the socket itself (see TimedSocketFactory), not by Okio's watchdog.
            .readTimeout(Duration.ZERO)
            .writeTimeout(Duration.ZERO)
            .callTimeout(Duration.ZERO)
            // OkHttp would otherwise send a request again, at once and unseen by the delivery part,
            // when a reused connection fails under it, even after the request went out: a second
            // sendMessage Telegram may already have taken. The delivery part retries instead,
            // counted and backed off.
            .retryOnConnectionFailure(false)
            .build();
    // Shares the dispatcher and the pool; its connections are its own, as OkHttp keeps connections
    // made by different socket factories apart, so a send never inherits a long poll's timeout.
    pollingClient =
        client.newBuilder().socketFactory(new TimedSocketFactory((int) pollReadTimeout.toMillis())).build();
  }

  /** The client for every call but getUpdates: a silent Bot API fails it after the read timeout. */
  OkHttpClient client() {
    return client;
  }

  /** The client for getUpdates, whose long polls stay silent for up to the poll timeout. */
  OkHttpClient pollingClient() {
    return pollingClient;
  }

  /** Cancels calls in flight, closes connections and ends the client's threads. */
  @Override
  public void close() {
    client.dispatcher().cancelAll();
    calls.shutdown();
    client.connectionPool().evictAll();
    cleanupBackend.shutdown();
    try {
      if (!calls.awaitTermination(5, TimeUnit.SECONDS)) {
        calls.shutdownNow();
      }
    } catch (InterruptedException e) {
      calls.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Makes sockets whose read timeout is never infinite: OkHttp sets the socket timeout to its own
   * read timeout, zero here, and this keeps the configured one instead. Writes have no timeout of
   * their own; a dead peer ends them through TCP's retransmission limit.
   */
  private static final class TimedSocketFactory extends SocketFactory {
    private final int readTimeoutMillis;

    TimedSocketFactory(int readTimeoutMillis) {
      this.readTimeoutMillis = readTimeoutMillis;
    }

    @Override
    public Socket createSocket() throws SocketException {
      Socket socket = new TimedSocket(readTimeoutMillis);
      socket.setSoTimeout(0);
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new java.net.InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      Socket socket = createSocket();
      socket.bind(new java.net.InetSocketAddress(localHost, localPort));
      socket.connect(new java.net.InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket socket = createSocket();
      socket.connect(new java.net.InetSocketAddress(host, port));
      return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      Socket socket = createSocket();
      socket.bind(new java.net.InetSocketAddress(localAddress, localPort));
      socket.connect(new java.net.InetSocketAddress(address, port));
      return socket;
    }
  }

  private static final class TimedSocket extends Socket {
    private final int readTimeoutMillis;

    TimedSocket(int readTimeoutMillis) {
      this.readTimeoutMillis = readTimeoutMillis;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      super.setSoTimeout(timeout == 0 ? readTimeoutMillis : timeout);
    }
  }
}
