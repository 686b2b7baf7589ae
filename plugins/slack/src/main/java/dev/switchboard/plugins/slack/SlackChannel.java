package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugins.slack.SlackErrors.CallFailed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack: channels, private channels, DMs and group DMs, with threads. Events arrive over Socket
 * Mode or the Events API (see {@link SlackSettings.Mode}); replies go out through the Web API.
 *
 * <p>Slack has no typing indicator for bots, so {@link #typing} stays a no-op and {@link
 * Capability#TYPING} is not claimed.
 */
final class SlackChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(SlackChannel.class);
  private static final Duration FOLLOW_UP_GRACE = Duration.ofSeconds(5);

  private final SlackSettings settings;
  private final ChannelContext context;
  private final Clock clock;
  private final List<WebhookRoute> routes;
  private final Object lock = new Object();
  // Set by start, cleared by close; guarded by lock for writes, volatile for the request threads.
  private volatile SlackApi api;
  private volatile SlackEvents events;
  private volatile SlackOutbound outbound;
  private volatile SlackSocketMode socket;
  private volatile ExecutorService followUps;
  private volatile Optional<String> problem = Optional.empty();
  private boolean closed;

  SlackChannel(SlackSettings settings, ChannelContext context, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.routes =
        settings.mode() == SlackSettings.Mode.EVENTS
            ? new SlackEventsApi(
                    new SlackSignatures(settings.signingSecret()),
                    () -> events,
                    task -> {
                      ExecutorService current = followUps;
                      if (current != null) {
                        current.execute(task);
                      }
                    },
                    clock)
                .routes()
            : List.of();
  }

  @Override
  public void start() throws Exception {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the Slack channel was closed");
      }
      SlackApi created = new SlackApi(settings, clock);
      ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
      SlackEvents handler = null;
      try {
        SlackApi.Identity self = created.authTest();
        handler = new SlackEvents(context, created, self, settings.maxFileBytes(), clock);
        // Messages acknowledged before the last stop are stored before new ones are taken.
        handler.start();
        if (settings.mode() == SlackSettings.Mode.SOCKET) {
          SlackSocketMode connection =
              new SlackSocketMode(created, handler, executor, found -> problem = found);
          socket = connection;
          connection.connect();
        }
        api = created;
        outbound = new SlackOutbound(created);
        followUps = executor;
        events = handler;
        log.info("Slack channel started as bot user {} with {}", self.userId(), settings);
      } catch (CallFailed e) {
        release(created, executor, handler);
        throw new IllegalStateException(
            "Slack refused to start the channel: "
                + e.getMessage()
                + (e.is("invalid_auth") || e.is("not_authed") || e.is("account_inactive")
                    ? "; check channels.slack.botToken (SLACK_BOT_TOKEN) and appToken"
                        + " (SLACK_APP_TOKEN)"
                    : ""));
      } catch (Exception | Error e) {
        release(created, executor, handler);
        throw e;
      }
    }
  }

  private void release(SlackApi created, ExecutorService executor, SlackEvents handler) {
    SlackSocketMode connection = socket;
    socket = null;
    if (connection != null) {
      connection.close();
    }
    if (handler != null) {
      handler.stop();
    }
    executor.shutdownNow();
    created.close();
    if (handler != null) {
      try {
        handler.awaitStopped(FOLLOW_UP_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    SlackOutbound current = outbound;
    if (current == null) {
      return new Transient("the Slack channel is " + (isClosed() ? "shut down" : "not started yet"));
    }
    return current.deliver(message);
  }

  /**
   * Stops taking events (requests get 503), closes the WebSocket, stops the pending journal's
   * worker (what it has not stored waits on disk for the next start) and OkHttp's threads.
   */
  @Override
  public void close() {
    SlackApi currentApi;
    SlackSocketMode currentSocket;
    ExecutorService currentFollowUps;
    SlackEvents currentEvents;
    synchronized (lock) {
      closed = true;
      currentEvents = events;
      events = null;
      outbound = null;
      currentApi = api;
      currentSocket = socket;
      currentFollowUps = followUps;
      api = null;
      socket = null;
      followUps = null;
    }
    if (currentSocket != null) {
      currentSocket.close();
    }
    if (currentEvents != null) {
      currentEvents.stop();
    }
    if (currentFollowUps != null) {
      currentFollowUps.shutdown();
      try {
        if (!currentFollowUps.awaitTermination(FOLLOW_UP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          currentFollowUps.shutdownNow();
        }
      } catch (InterruptedException e) {
        currentFollowUps.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (currentApi != null) {
      currentApi.close(); // cancels a download the journal's worker may be waiting on
    }
    if (currentEvents != null) {
      try {
        if (!currentEvents.awaitStopped(FOLLOW_UP_GRACE)) {
          log.warn("The Slack channel's journal worker did not stop within {}", FOLLOW_UP_GRACE);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.TEXT,
        Capability.MARKDOWN,
        Capability.THREADS,
        Capability.EDIT,
        Capability.REACTION,
        Capability.QUESTION,
        Capability.FILES);
  }

  @Override
  public List<WebhookRoute> webhookRoutes() {
    return routes;
  }

  @Override
  public RateLimit rateLimit() {
    return settings.rateLimit();
  }

  @Override
  public Optional<String> problem() {
    return problem;
  }
}
