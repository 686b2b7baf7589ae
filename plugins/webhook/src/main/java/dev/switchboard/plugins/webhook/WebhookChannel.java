package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chats over plain HTTP: integrators POST messages in and read replies from a durable per-chat feed
 * (long poll), and optionally receive each reply at a signed callback URL as well.
 *
 * <p>A reply is appended to the feed before the callback is tried, and the feed ignores an id it
 * has, so a delivery retried after a failed callback never shows twice in the feed.
 */
final class WebhookChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(WebhookChannel.class);

  private final WebhookSettings settings;
  private final ChannelContext context;
  private final Clock clock;
  private final WebhookFeed feed;
  private final WebhookHandlers handlers;
  private volatile WebhookCallback callback; // set by start when a callback URL is configured
  private volatile boolean started;
  private volatile boolean closed;

  WebhookChannel(WebhookSettings settings, ChannelContext context, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.feed = new WebhookFeed(context.dataDir().resolve("feeds"));
    this.handlers = new WebhookHandlers(settings, context, feed, clock);
  }

  @Override
  public void start() throws IOException {
    if (closed) {
      throw new IllegalStateException("the webhook channel was closed");
    }
    Path dataDir = context.dataDir();
    Files.createDirectories(dataDir.resolve("feeds"));
    WebhookToken token = WebhookToken.resolve(settings.token(), dataDir.resolve("token"));
    if (settings.callbackUrl() != null) {
      callback =
          new WebhookCallback(
              settings.callbackUrl(), settings.signingSecret(), settings.callbackTimeout(), clock);
    }
    handlers.open(token);
    started = true;
    log.info("Webhook channel started with {}", settings);
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    if (closed || !started) {
      return new Transient("the webhook channel is " + (closed ? "shut down" : "not started yet"));
    }
    FeedAppend appended;
    try {
      appended =
          feed.append(
              message.platformId(), message.id(), WebhookOutbound.entry(message, clock.instant()));
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not append reply {} to the reply log of its chat", message.id(), e);
      return new Transient(
          "the reply log could not be written (" + e.getClass().getSimpleName() + ")");
    }
    WebhookCallback current = callback;
    return current == null
        ? new Delivered(message.id())
        : current.post(message.id(), appended.entry());
  }

  /** Refuses further requests (503), wakes long polls, aborts callbacks in flight. */
  @Override
  public void close() {
    closed = true;
    handlers.close();
    feed.close();
    WebhookCallback current = callback;
    if (current != null) {
      current.close();
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
        Capability.QUESTION);
  }

  @Override
  public List<WebhookRoute> webhookRoutes() {
    return handlers.routes();
  }

  @Override
  public RateLimit rateLimit() {
    return settings.rateLimit();
  }
}
