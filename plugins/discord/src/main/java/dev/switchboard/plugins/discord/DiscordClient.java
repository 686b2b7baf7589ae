package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.CloseCode;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.ConnectionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JDA session: built pointing at the configured REST and gateway URLs, with only the intents
 * the channel needs, and shut down so that none of its threads or connections outlive it.
 */
final class DiscordClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscordClient.class);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

  /**
   * MESSAGE_CREATE in servers and in DMs. JDA always adds GUILDS, which brings the servers'
   * channels and threads (GUILD_CREATE). Nothing else: no members, presences, voice or emoji.
   */
  static final EnumSet<GatewayIntent> BASE_INTENTS =
      EnumSet.of(GatewayIntent.GUILD_MESSAGES, GatewayIntent.DIRECT_MESSAGES);

  /** How a first connection ended. */
  sealed interface Outcome {
    record Ready() implements Outcome {}

    record Refused(CloseCode closeCode, String reason) implements Outcome {}

    record StillConnecting() implements Outcome {}
  }

  /** Told when JDA shut a session down on its own: Discord closed it for good. */
  @FunctionalInterface
  interface ShutdownListener {
    /**
     * Called on JDA's thread; must hand work off and return.
     *
     * @param closeCode the close code Discord gave, or null when there was none
     */
    void shutDown(DiscordClient client, CloseCode closeCode);
  }

  private final OkHttpClient http;
  private final TaskRunner.RealBackend httpTasks;
  private final boolean messageContent;
  private final ShutdownListener shutdownListener;
  private final CountDownLatch settled = new CountDownLatch(1);
  private final AtomicReference<Outcome> outcome = new AtomicReference<>();
  private final AtomicReference<Outcome.Refused> shutdown = new AtomicReference<>();
  private volatile JDA jda; // set once build() returns; events before that need only the fields above
  private volatile boolean closing;

  private DiscordClient(
      OkHttpClient http,
      TaskRunner.RealBackend httpTasks,
      boolean messageContent,
      ShutdownListener shutdownListener) {
    this.http = http;
    this.httpTasks = httpTasks;
    this.messageContent = messageContent;
    this.shutdownListener = shutdownListener;
  }

  /**
   * Logs in (checks the token with {@code GET users/@me}) and starts connecting to the gateway.
   *
   * @throws net.dv8tion.jda.api.exceptions.InvalidTokenException when Discord refuses the token
   */
  static DiscordClient connect(
      DiscordSettings settings, boolean messageContent, Object listener, ShutdownListener shutdownListener) {
    requireNonNull(shutdownListener, "shutdownListener is null");
    EnumSet<GatewayIntent> intents = EnumSet.copyOf(BASE_INTENTS);
    if (messageContent) {
      intents.add(GatewayIntent.MESSAGE_CONTENT);
    }
    // OkHttp's connection-pool housekeeping runs on a task runner. The default one is shared by the
    // whole class loader and its threads linger for a minute; this one is ours and ends at close.
    // Known debt: TaskRunner is OkHttp's internal API (okhttp3.internal). Fix: drop this once
    // OkHttp offers a public way to end a client's threads.
    TaskRunner.RealBackend httpTasks =
        new TaskRunner.RealBackend(
            task -> {
              Thread thread = new Thread(task, "discord-http-tasks");
              thread.setDaemon(true);
              return thread;
            });
    TaskRunner runner = new TaskRunner(httpTasks, java.util.logging.Logger.getLogger(TaskRunner.class.getName()));
    OkHttpClient http =
        new OkHttpClient.Builder()
            .taskRunner$okhttp(runner)
            .connectionPool(new ConnectionPool(5, 5, TimeUnit.MINUTES, runner, ConnectionListener.Companion.getNONE()))
            .readTimeout(settings.requestTimeout())
            // The delivery part retries every failed send, paced and counted; neither OkHttp (on a
            // reused connection that fails, even after the request went out) nor JDA (on a 5xx or
            // a timeout) may send it again behind its back.
            .retryOnConnectionFailure(false)
            .addInterceptor(new ServerErrorPassThrough())
            .build();
    String gateway = settings.gatewayUrl();
    // Made before JDA, so that it hears every event, also one that comes while build() runs.
    DiscordClient client = new DiscordClient(http, httpTasks, messageContent, shutdownListener);
    EventListener settle = client::settle;
    JDABuilder builder =
        JDABuilder.createLight(settings.token(), intents)
            .setRestConfig(new RestConfig().setBaseUrl(settings.apiUrl()))
            .setSessionController(
                new ConcurrentSessionController() {
                  @Override
                  public String getGateway() {
                    return gateway;
                  }
                })
            .setCompression(Compression.NONE)
            .setHttpClient(http)
            .setMemberCachePolicy(MemberCachePolicy.NONE)
            // Tells which role is the bot's own, so that a mention of that role addresses it.
            .enableCache(CacheFlag.ROLE_TAGS)
            .setEnableShutdownHook(false)
            .setRequestTimeoutRetry(false)
            .addEventListeners(settle, listener);
    try {
      client.jda = builder.build();
    } catch (RuntimeException e) {
      release(http, httpTasks);
      throw e;
    }
    return client;
  }

  /** Whether this session asked for the privileged Message Content intent. */
  boolean asksForMessageContent() {
    return messageContent;
  }

  /** Why Discord ended this session for good, while it was not being closed; empty otherwise. */
  Optional<String> shutDownBy() {
    return Optional.ofNullable(shutdown.get()).map(Outcome.Refused::reason);
  }

  JDA jda() {
    return jda;
  }

  OkHttpClient http() {
    return http;
  }

  /** Waits until the first session is ready or refused, at most {@code timeout}. */
  Outcome awaitFirstSession(Duration timeout) throws InterruptedException {
    if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return new Outcome.StillConnecting();
    }
    return outcome.get();
  }

  /**
   * Whether a first session was ready: JDA's cache of servers, channels and threads is filled then,
   * and REST calls work whether or not the gateway is connected at this moment.
   */
  boolean wasReady() {
    return outcome.get() instanceof Outcome.Ready;
  }

  /** Whether the gateway is connected right now. */
  boolean isConnected() {
    return jda.getStatus() == JDA.Status.CONNECTED;
  }

  private void settle(GenericEvent event) {
    switch (event) {
      case ReadyEvent ready -> settled(new Outcome.Ready());
      case ShutdownEvent ended -> {
        CloseCode code = ended.getCloseCode();
        Outcome.Refused refused =
            new Outcome.Refused(code, Optional.ofNullable(code).map(CloseCode::getMeaning).orElse("shut down"));
        settled(refused);
        if (!closing) {
          // JDA reconnects by itself after every close it can recover from; a shutdown it did not
          // ask for is Discord refusing the session (bad token, intents) at start or much later.
          shutdown.set(refused);
          shutdownListener.shutDown(this, code);
        }
      }
      default -> {}
    }
  }

  private void settled(Outcome result) {
    if (outcome.compareAndSet(null, result)) {
      settled.countDown();
    }
  }

  /** Closes the gateway session, cancels queued requests and ends every thread JDA started. */
  @Override
  public void close() {
    closing = true;
    jda.shutdownNow();
    try {
      if (!jda.awaitShutdown(SHUTDOWN_WAIT)) {
        log.warn("JDA did not shut down within {}", SHUTDOWN_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    release(http, httpTasks);
  }

  // JDA leaves a client it was given alone: its dispatcher threads and pooled connections are ours.
  private static void release(OkHttpClient http, TaskRunner.RealBackend httpTasks) {
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
    httpTasks.getExecutor().shutdownNow();
  }
}
