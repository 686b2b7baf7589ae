package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Delivery;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.OutboundRows;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to send one outbound row, and what follows from its outcome. The channel only
 * classifies a failure; the policy (retry, wait, give up and tell the agent) is decided here.
 *
 * <p>Order of writes: the outcome goes to the session's {@code delivered} table first, then to
 * {@code deliveries}. A crash between the two is found on the next attempt ({@code delivered}
 * already has the row), so a row is never sent again once it was recorded; only a send whose outcome
 * was not yet recorded at all can repeat, and channels pass the row id as an idempotency key.
 */
final class DeliveryAttempt {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempt.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final ChannelDirectory channels;
  private final DeliveryPolicy policy;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final Consumer<String> wakeAgent;
  private final DeliveryStats stats;

  DeliveryAttempt(
      CentralDb central,
      SessionFiles files,
      ChannelDirectory channels,
      DeliveryPolicy policy,
      RateLimiter rateLimiter,
      Clock clock,
      Consumer<String> wakeAgent,
      DeliveryStats stats) {
    this.central = central;
    this.files = files;
    this.channels = channels;
    this.policy = policy;
    this.rateLimiter = rateLimiter;
    this.clock = clock;
    this.wakeAgent = wakeAgent;
    this.stats = stats;
  }

  /**
   * Runs one attempt. An attempt that throws (a session file locked past the busy timeout,
   * unreadable or gone) counts as a transient failure: it backs off and finally gives up, instead of
   * being picked up again at once, for ever, holding back its conversation.
   */
  void run(Delivery d) {
    try {
      attempt(d);
    } catch (RuntimeException e) {
      LOG.error("delivery {} of session {}: {}", d.messageOutId(), d.sessionId(), e.toString());
      retry(d, "the attempt failed: " + e.getMessage());
    }
  }

  private void attempt(Delivery d) {
    Optional<Session> session = central.read(c -> Sessions.byId(c, d.sessionId()));
    if (session.isEmpty()) {
      finish(d, null, "failed", "the session no longer exists", null);
      return;
    }
    Path dir = files.dir(session.get().agentGroupId(), d.sessionId());
    Optional<InboundRows.Finished> recorded =
        files.readInbound(dir, c -> InboundRows.finished(c, d.messageOutId()));
    if (recorded.isPresent()) {
      // Finished and recorded in the session before a crash; only the central record is behind.
      // Copy the recorded outcome: the row may have failed for good, and an edit of it later reads
      // the platform message id.
      InboundRows.Finished outcome = recorded.get();
      central.write(c -> {
        if ("delivered".equals(outcome.status())) {
          Deliveries.markDelivered(
              c, d.sessionId(), d.messageOutId(), outcome.platformMessageId(), now());
        } else {
          Deliveries.markFailed(
              c, d.sessionId(), d.messageOutId(), "recorded as " + outcome.status() + " before a restart", now());
        }
        return null;
      });
      return;
    }
    if ("system".equals(d.kind())) {
      // Known debt: system requests (schedule_task, cancel_task, …) are applied by the
      // scheduling part, which does not exist yet; until then they are recorded and logged.
      LOG.warn("session {} sent system request {}, which this gateway does not handle yet",
          d.sessionId(), d.messageOutId());
      finish(d, dir, "delivered", null, null);
      return;
    }
    if (d.channelType() == null || d.platformId() == null) {
      fail(d, dir, "the message names no chat and the session has no default chat");
      return;
    }
    if ("agent".equals(d.channelType())) {
      fail(d, dir, "messages to other agents are not supported by this gateway yet");
      return;
    }
    Optional<Channel> channel = channels.running(d.channelType());
    if (channel.isEmpty()) {
      if (channels.configured(d.channelType())) {
        retry(d, "channel " + d.channelType() + " is not running");
      } else {
        fail(d, dir, "no channel '" + d.channelType() + "' is configured");
      }
      return;
    }
    Instant now = clock.instant();
    RateLimit limit = policy.rateLimits().getOrDefault(d.channelType(), channel.get().rateLimit());
    Duration wait = rateLimiter.acquire(d.channelType() + "|" + d.platformId(), limit, now);
    if (!wait.isZero()) {
      central.write(c -> {
        Deliveries.postpone(c, d.sessionId(), d.messageOutId(), Times.format(now.plus(wait)));
        return null;
      });
      return;
    }
    Path outbox = dir.resolve("outbox").resolve(d.messageOutId());
    OutboundContents.Parsed parsed =
        OutboundContents.parse(d.content(), ref -> platformMessageId(dir, ref, d), outbox);
    switch (parsed) {
      case OutboundContents.Invalid invalid -> fail(d, dir, invalid.reason());
      case OutboundContents.Valid valid -> send(d, dir, channel.get(), valid);
    }
  }

  private void send(Delivery d, Path dir, Channel channel, OutboundContents.Valid valid) {
    OutboundMessage message =
        new OutboundMessage(
            d.messageOutId(),
            d.seq(),
            d.platformId(),
            d.threadId(),
            replyTarget(d),
            valid.content(),
            d.attempts() + 1);
    DeliveryResult result;
    try {
      result = channel.deliver(message);
    } catch (RuntimeException e) {
      result = new DeliveryResult.Transient("the channel failed: " + e);
    }
    switch (result) {
      case DeliveryResult.Delivered delivered -> {
        finish(d, dir, "delivered", null, delivered.platformMessageId());
        stats.delivered();
      }
      case DeliveryResult.Transient failure -> retry(d, failure.reason());
      case DeliveryResult.RateLimited limited -> {
        stats.rateLimited();
        Instant at = clock.instant().plus(limited.retryAfter());
        central.write(c -> {
          Deliveries.retryLater(c, d.sessionId(), d.messageOutId(), limited.reason(), Times.format(at));
          return null;
        });
      }
      case DeliveryResult.Permanent failure -> fail(d, dir, failure.reason());
    }
  }

  private void retry(Delivery d, String reason) {
    int attempts = d.attempts() + 1;
    if (attempts >= policy.maxAttempts()) {
      Optional<Session> session = central.read(c -> Sessions.byId(c, d.sessionId()));
      Path dir = session.map(s -> files.dir(s.agentGroupId(), s.id())).orElse(null);
      fail(d, dir, "gave up after " + attempts + " attempts: " + reason);
      return;
    }
    stats.retried();
    Duration wait = Backoff.after(attempts, policy.initialBackoff(), policy.maxBackoff());
    String at = Times.format(clock.instant().plus(wait));
    LOG.info("delivery {} of session {} failed ({}); retry {} in {} ms",
        d.messageOutId(), d.sessionId(), reason, attempts + 1, wait.toMillis());
    central.write(c -> {
      Deliveries.retryLater(c, d.sessionId(), d.messageOutId(), reason, at);
      return null;
    });
  }

  /** A permanent failure: recorded as failed, and the agent is told with a system row. */
  private void fail(Delivery d, Path dir, String reason) {
    LOG.warn("delivery {} of session {} failed: {}", d.messageOutId(), d.sessionId(), reason);
    stats.failed();
    try {
      finish(d, dir, "failed", reason, null);
    } catch (StoreException e) {
      // The session's inbound.db cannot be written (corrupt, or gone), so the agent cannot be told;
      // the row must still end, or it would be retried for ever.
      LOG.error("session {} cannot be told that delivery {} failed: {}",
          d.sessionId(), d.messageOutId(), e.getMessage());
      finish(d, null, "failed", reason, null);
      return;
    }
    if (dir == null) {
      return;
    }
    String content =
        JSON.createObjectNode()
            .put("type", "delivery_failed")
            .put("messageOutId", d.messageOutId())
            .put("error", reason)
            .toString();
    InboundRow row =
        new InboundRow(
            "delivery-failed-" + d.messageOutId(),
            "system",
            now(),
            null,
            null,
            d.platformId(),
            d.channelType(),
            d.threadId(),
            content);
    central.write(c -> {
      SessionWork.markPending(c, d.sessionId());
      return null;
    });
    files.writeInbound(dir, c -> InboundRows.insert(c, row));
    wakeAgent.accept(d.sessionId());
  }

  private void finish(Delivery d, Path dir, String status, String error, String platformMessageId) {
    String now = now();
    if (dir != null) {
      files.writeInbound(
          dir,
          c -> {
            InboundRows.recordDelivered(c, d.messageOutId(), platformMessageId, status, now);
            return null;
          });
      removeOutbox(dir.resolve("outbox").resolve(d.messageOutId()));
    }
    central.write(
        c -> {
          if ("delivered".equals(status)) {
            Deliveries.markDelivered(c, d.sessionId(), d.messageOutId(), platformMessageId, now);
          } else {
            Deliveries.markFailed(c, d.sessionId(), d.messageOutId(), error, now);
          }
          return null;
        });
  }

  /**
   * The platform message id behind a reference an agent uses: an outbound seq (odd) or id maps
   * through {@code delivered}; an inbound seq (even) maps to the inbound row's id.
   */
  private Optional<String> platformMessageId(Path dir, String ref, Delivery d) {
    String outboundId = ref;
    // At most 18 digits, so that it fits a long; a longer number is no seq, and is looked up (and
    // not found) as an outbound id.
    if (ref.matches("\\d{1,18}")) {
      long seq = Long.parseLong(ref);
      if (seq % 2 == 0) {
        return files.readInbound(dir, c -> InboundRows.idOfSeq(c, seq)).map(id -> platformId(id, d));
      }
      Optional<String> id = files.readOutbound(dir, c -> OutboundRows.idOfSeq(c, seq));
      if (id.isEmpty()) {
        return Optional.empty();
      }
      outboundId = id.get();
    }
    String lookup = outboundId;
    return files.readInbound(dir, c -> InboundRows.platformMessageIdOfSeq(c, lookup));
  }

  private static String replyTarget(Delivery d) {
    return d.inReplyTo() == null ? null : platformId(d.inReplyTo(), d);
  }

  /** Strips the {@code <channel>:<chat>:} prefix an inbound id gets when ids collide. */
  private static String platformId(String inboundId, Delivery d) {
    String prefix = d.channelType() + ":" + d.platformId() + ":";
    return inboundId.startsWith(prefix) ? inboundId.substring(prefix.length()) : inboundId;
  }

  private static void removeOutbox(Path outbox) {
    if (!Files.isDirectory(outbox)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(outbox)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("removing {}: {}", outbox, e.toString());
    }
  }

  private String now() {
    return Times.format(clock.instant());
  }
}
