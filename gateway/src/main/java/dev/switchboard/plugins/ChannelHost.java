package dev.switchboard.plugins;

import dev.switchboard.config.GatewayConfig.ChannelSection;
import dev.switchboard.delivery.ChannelDirectory;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured channels: made from their plugins' factories, each started in its own guard (a
 * channel that fails to be created or started is marked failed; the rest run), and stopped at
 * shutdown after they stop taking input.
 */
public final class ChannelHost implements ChannelDirectory, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelHost.class);
  private static final Duration START_WAIT = Duration.ofSeconds(30);

  private final Map<String, ChannelSection> sections;
  private final Map<String, String> environment;
  private final Path channelsDataDir;
  private final BiFunction<String, InboundEvent, InboundOutcome> router;
  private final BiFunction<String, QuestionAnswer, InboundOutcome> answers;
  private final BiFunction<String, IntegratorEvent, InboundOutcome> events;
  private final InboundStats stats = new InboundStats();
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  /** How each channel was made, to make it again when its start failed. */
  private final Map<String, java.util.function.Supplier<Channel>> makers = new ConcurrentHashMap<>();
  private final Map<String, Integer> startFailures = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService restarts =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("channel-restarts").unstarted(r));
  private final Map<String, ChannelStatus> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile TypingIndicators typing;
  private volatile boolean closing;

  /** A webhook route of a channel, to be mounted under {@code /webhooks/<channel type>/}. */
  public record MountedRoute(String channelType, WebhookRoute route) {}

  /**
   * A host whose channels may only submit messages (answers and integrator events are refused).
   *
   * @param router stores an inbound event of a channel type and returns the outcome
   */
  public ChannelHost(
      Map<String, ChannelSection> sections,
      Map<String, String> environment,
      Path dataDir,
      BiFunction<String, InboundEvent, InboundOutcome> router) {
    this(
        sections,
        environment,
        dataDir,
        router,
        (type, answer) -> {
          throw new UnsupportedOperationException("this gateway does not take answers to questions");
        },
        (type, event) -> {
          throw new UnsupportedOperationException("this gateway does not take integrator events");
        });
  }

  /**
   * @param router stores an inbound event of a channel type and returns the outcome
   * @param answers stores the answer to a question and returns the outcome
   * @param events stores an integrator's event and returns the outcome
   */
  public ChannelHost(
      Map<String, ChannelSection> sections,
      Map<String, String> environment,
      Path dataDir,
      BiFunction<String, InboundEvent, InboundOutcome> router,
      BiFunction<String, QuestionAnswer, InboundOutcome> answers,
      BiFunction<String, IntegratorEvent, InboundOutcome> events) {
    this.answers = answers;
    this.events = events;
    this.sections = Map.copyOf(sections);
    this.environment = Map.copyOf(environment);
    this.channelsDataDir = dataDir.resolve("channels");
    this.router = router;
  }

  /** Creates every enabled channel with its plugin's factory. */
  public void create(List<ChannelFactory> factories) {
    Map<String, ChannelFactory> byType = new TreeMap<>();
    for (ChannelFactory factory : factories) {
      byType.putIfAbsent(factory.channelType(), factory);
    }
    sections.forEach(
        (type, section) -> {
          if (!section.enabled()) {
            LOG.info("channel {} is disabled in the config", type);
            return;
          }
          ChannelFactory factory = byType.get(type);
          if (factory == null) {
            fail(type, "no installed plugin provides channel type '" + type + "' (installed: "
                + String.join(", ", byType.keySet()) + ")");
            return;
          }
          Settings settings = new Settings("channels." + type, section.settings(), environment);
          try {
            Path dataDir = channelsDataDir.resolve(type);
            Files.createDirectories(dataDir);
            Context context = new Context(type, dataDir);
            Channel channel = factory.create(settings, context);
            channels.put(type, channel);
            makers.put(type, () -> factory.create(settings, context));
            statuses.put(type, new ChannelStatus(type, "created", null));
            LOG.info("channel {} created with settings {}", type, settings.masked());
          } catch (ConfigException e) {
            fail(type, e.getMessage());
          } catch (IOException | RuntimeException | LinkageError e) {
            fail(type, "could not be created: " + e);
          }
        });
  }

  /**
   * The webhook routes of every created channel. Each dispatches to the channel's current
   * instance, so that a channel made again after a failed start serves its routes.
   */
  public List<MountedRoute> routes() {
    List<MountedRoute> routes = new ArrayList<>();
    channels.forEach(
        (type, channel) -> {
          try {
            for (WebhookRoute route : channel.webhookRoutes()) {
              routes.add(
                  new MountedRoute(
                      type,
                      new WebhookRoute(route.method(), route.path(), request -> dispatch(type, route, request))));
            }
          } catch (RuntimeException e) {
            fail(type, "could not list its webhook routes: " + e);
          }
        });
    return routes;
  }

  private dev.switchboard.plugin.api.WebhookResponse dispatch(
      String type, WebhookRoute mounted, dev.switchboard.plugin.api.WebhookRequest request) {
    Channel current = channels.get(type);
    if (current == null) {
      return dev.switchboard.plugin.api.WebhookResponse.json(503, "{\"error\":\"channel " + type + " is not running\"}")
          .withHeader("Retry-After", "5");
    }
    for (WebhookRoute route : current.webhookRoutes()) {
      if (route.method() == mounted.method() && route.path().equals(mounted.path())) {
        return route.handler().handle(request);
      }
    }
    return dev.switchboard.plugin.api.WebhookResponse.json(404, "{\"error\":\"no such route\"}");
  }

  /** Starts every created channel, each in its own thread; waits a bounded time for them. */
  public void startAll() {
    List<Thread> starting = new ArrayList<>();
    channels.forEach(
        (type, channel) -> {
          statuses.put(type, new ChannelStatus(type, "starting", null));
          starting.add(Thread.ofVirtual().name("start-channel-" + type).start(() -> start(type, channel)));
        });
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    for (Thread t : starting) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void start(String type, Channel channel) {
    try {
      channel.start();
      statuses.put(type, new ChannelStatus(type, "running", null));
      startFailures.remove(type);
      LOG.info("channel {} running", type);
    } catch (ConfigException e) {
      fail(type, e.getMessage());
      channels.remove(type);
      closeQuietly(type, channel);
    } catch (Exception | LinkageError e) {
      channels.remove(type);
      closeQuietly(type, channel);
      retryStart(type, e);
    }
  }

  /**
   * A start that failed for another reason than its settings (the platform unreachable, say) is
   * tried again with a fresh instance, 5 s after the first failure, doubling to 5 minutes.
   */
  private void retryStart(String type, Throwable failure) {
    int failures = startFailures.merge(type, 1, Integer::sum);
    long delay = Math.min(300, 5L << Math.min(failures - 1, 6));
    fail(type, "failed to start (" + failure + "); trying again in " + delay + " s");
    if (closing) {
      return;
    }
    restarts.schedule(
        () -> {
          if (closing) {
            return;
          }
          try {
            Channel fresh = makers.get(type).get();
            channels.put(type, fresh);
            statuses.put(type, new ChannelStatus(type, "starting", null));
            start(type, fresh);
          } catch (RuntimeException | LinkageError e) {
            retryStart(type, e);
          }
        },
        delay,
        java.util.concurrent.TimeUnit.SECONDS);
  }

  private void fail(String type, String problem) {
    statuses.put(type, new ChannelStatus(type, "failed", problem));
    LOG.error("channel {} {}", type, problem);
  }

  @Override
  public Optional<Channel> running(String channelType) {
    ChannelStatus status = statuses.get(channelType);
    return status != null && status.running() ? Optional.ofNullable(channels.get(channelType)) : Optional.empty();
  }

  @Override
  public boolean configured(String channelType) {
    ChannelSection section = sections.get(channelType);
    return section != null && section.enabled();
  }

  /** Whether the channel's webhooks are served now (running and not shutting down). */
  public boolean acceptsInput(String channelType) {
    return !closing && running(channelType).isPresent();
  }

  public List<ChannelStatus> statuses() {
    List<ChannelStatus> result = new ArrayList<>();
    new TreeMap<>(statuses)
        .forEach(
            (type, status) -> {
              Optional<String> problem =
                  status.running() ? problemOf(channels.get(type)) : Optional.empty();
              result.add(problem.map(p -> new ChannelStatus(type, "degraded", p)).orElse(status));
            });
    return result;
  }

  private static Optional<String> problemOf(Channel channel) {
    try {
      return channel == null ? Optional.empty() : channel.problem();
    } catch (RuntimeException e) {
      return Optional.of(e.toString());
    }
  }

  /**
   * Sends a short message of the gateway's own to a chat, straight through its channel, without an
   * agent or the delivery queue: best effort, on its own thread, logged if it fails.
   */
  public void sendDirect(String channelType, String platformId, String threadId, String replyTo, String text) {
    Optional<Channel> channel = running(channelType);
    if (channel.isEmpty()) {
      return;
    }
    Thread.ofVirtual().name("host-reply-" + channelType).start(() -> {
      try {
        DeliveryResult result =
            channel.get().deliver(
                new OutboundMessage("host-" + java.util.UUID.randomUUID(), 0, platformId, threadId, replyTo,
                    new OutboundContent.Text(text), 1));
        if (!(result instanceof DeliveryResult.Delivered)) {
          LOG.warn("gateway reply to {}/{} not delivered: {}", channelType, platformId, result);
        }
      } catch (RuntimeException e) {
        LOG.warn("gateway reply to {}/{} failed: {}", channelType, platformId, e.toString());
      }
    });
  }

  public InboundStats stats() {
    return stats;
  }

  /** Stops taking input and lets submissions in flight finish (bounded). */
  public void stopInput() {
    closing = true;
    restarts.shutdownNow();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * Shows typing hints in chats whose agents are working.
   *
   * @param sessionBusy whether a session still has inbound work its agent has not finished
   */
  public void showTyping(java.util.function.Predicate<String> sessionBusy) {
    typing = new TypingIndicators(this::running, sessionBusy);
  }

  /** Closes every channel; call {@link #stopInput()} first. */
  @Override
  public void close() {
    stopInput();
    TypingIndicators indicators = typing;
    if (indicators != null) {
      indicators.close();
    }
    channels.forEach(this::closeQuietly);
    channels.forEach((type, channel) -> statuses.put(type, new ChannelStatus(type, "stopped", null)));
  }

  private void closeQuietly(String type, Channel channel) {
    try {
      channel.close();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("closing channel {}: {}", type, e.toString());
    }
  }

  /** What a channel gets: the router behind a guard that counts and refuses during shutdown. */
  private final class Context implements ChannelContext {
    private final String type;
    private final Path dataDir;

    Context(String type, Path dataDir) {
      this.type = type;
      this.dataDir = dataDir;
    }

    @Override
    public InboundOutcome submit(InboundEvent event) {
      inFlight.incrementAndGet();
      try {
        if (closing) {
          stats.rejected();
          throw new StoreUnavailableException("the gateway is shutting down", null);
        }
        InboundOutcome outcome = router.apply(type, event);
        stats.count(outcome);
        TypingIndicators indicators = typing;
        if (indicators != null && outcome instanceof InboundOutcome.Stored stored) {
          indicators.started(type, event.platformId(), event.threadId(), stored.sessionIds());
        }
        return outcome;
      } catch (StoreUnavailableException e) {
        stats.rejected();
        throw e;
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public InboundOutcome submitAnswer(QuestionAnswer answer) {
      inFlight.incrementAndGet();
      try {
        if (closing) {
          throw new StoreUnavailableException("the gateway is shutting down", null);
        }
        return answers.apply(type, answer);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public InboundOutcome submitEvent(IntegratorEvent event) {
      inFlight.incrementAndGet();
      try {
        if (closing) {
          stats.rejected();
          throw new StoreUnavailableException("the gateway is shutting down", null);
        }
        InboundOutcome outcome = events.apply(type, event);
        stats.count(outcome);
        return outcome;
      } catch (StoreUnavailableException e) {
        stats.rejected();
        throw e;
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public Path dataDir() {
      return dataDir;
    }
  }
}
