package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.scheduling.Cron;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Delivery;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.OffCarrier;
import dev.switchboard.store.OutboundRows;
import dev.switchboard.store.Questions;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to send one outbound row, and what follows from its outcome. The channel only
 * classifies a failure; the policy (retry, wait, give up and tell the agent) is decided here.
 *
 * <p>Order of writes: a delivery is recorded in {@code deliveries} first and copied into the
 * session's {@code delivered} table later ({@link DeliveredProjection}); a failure goes to the
 * session's table first (with the row that tells the agent), then to {@code deliveries}. A crash
 * between those two is found at the row's first attempt after the start ({@code delivered} already
 * has it), so a row is never sent again once it was recorded; only a send whose outcome was not yet
 * recorded at all can repeat, and channels pass the row id as an idempotency key.
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
  private final TaskRequests tasks;
  private final AgentMessages agents;
  private final DeliveredProjection projection;
  /**
   * Rows whose outcome may be in the session's {@code delivered} table only: those pending when
   * this run began (an earlier run may have stopped between the two writes), and any whose central
   * write failed after the session's. Loaded at the first attempt; only these pay a read of the
   * session file before they are sent.
   */
  private final Set<String> unsettled = ConcurrentHashMap.newKeySet();
  private volatile boolean unsettledLoaded;
  /** Channel type | platform id of chats whose messaging group is a group. */
  private final Set<String> groupChats = ConcurrentHashMap.newKeySet();

  DeliveryAttempt(
      CentralDb central,
      SessionFiles files,
      ChannelDirectory channels,
      DeliveryPolicy policy,
      RateLimiter rateLimiter,
      Clock clock,
      Consumer<String> wakeAgent,
      DeliveryStats stats,
      DeliveredProjection projection) {
    this.projection = projection;
    this.central = central;
    this.files = files;
    this.channels = channels;
    this.policy = policy;
    this.rateLimiter = rateLimiter;
    this.clock = clock;
    this.wakeAgent = wakeAgent;
    this.stats = stats;
    this.tasks = new TaskRequests(central, files, clock, policy.timezone());
    this.agents = new AgentMessages(central, files, clock, wakeAgent);
  }

  /**
   * Runs one attempt. An attempt that throws (a session file locked past the busy timeout,
   * unreadable or gone) counts as a transient failure: it backs off and finally gives up, instead of
   * being picked up again at once, for ever, holding back its conversation.
   */
  void run(Delivery d) {
    try {
      // Everything up to the send reads the store several times: on a platform thread, in one
      // hand-off. The send itself (network I/O) runs where the attempt was asked for.
      Runnable send = OffCarrier.call(() -> attempt(d));
      if (send != null) {
        send.run();
      }
    } catch (RuntimeException e) {
      LOG.error("delivery {} of session {}: {}", d.messageOutId(), d.sessionId(), e.toString());
      retry(d, "the attempt failed: " + e.getMessage());
    }
  }

  /** Decides what to do with a due row; returns the send, if it is to be sent now. */
  private Runnable attempt(Delivery listed) {
    Optional<Delivery> current =
        central.read(c -> Deliveries.currentIfDue(c, listed.sessionId(), listed.messageOutId(), now()));
    if (current.isEmpty()) {
      return null; // Finished or moved since the scheduler read its list.
    }
    Delivery d = current.get();
    Optional<Session> found = central.read(c -> Sessions.byId(c, d.sessionId()));
    if (found.isEmpty()) {
      finish(d, null, "failed", "the session no longer exists", null);
      return null;
    }
    Session session = found.get();
    Path dir = files.dir(session.agentGroupId(), d.sessionId());
    if (d.recurrence() == null && unsettled().contains(key(d))) {
      // Removed only once the session file could be read: an attempt that throws here is retried
      // with the same check.
      boolean recorded = copiedRecordedOutcome(d, dir);
      unsettled.remove(key(d));
      if (recorded) {
        return null;
      }
    }
    if (d.seq() % 2 == 0) {
      // Even seqs are the host's (session contract): an even outbound seq can equal an inbound
      // one, and an edit or reaction naming it would reach the wrong message. Refused, and the
      // agent is told why, rather than sent with a warning only the operator sees.
      fail(d, dir, "seq " + d.seq() + " is an even seq, which the session contract reserves for the"
          + " host; agents write odd seqs (the next odd number above the largest of both tables)");
      return null;
    }
    if ("system".equals(d.kind())) {
      switch (tasks.apply(d.sessionId(), dir, d.content())) {
        case TaskRequests.Result.Applied applied -> finish(d, dir, "delivered", null, null);
        case TaskRequests.Result.Refused refused -> fail(d, dir, refused.reason());
      }
      return null;
    }
    if (d.channelType() == null || d.platformId() == null) {
      fail(d, dir, "the message names no chat and the session has no default chat");
      return null;
    }
    if ("agent".equals(d.channelType())) {
      toAgent(d, session, dir);
      return null;
    }
    if (!channels.configured(d.channelType())) {
      fail(d, dir, "no channel '" + d.channelType() + "' is configured");
      return null;
    }
    if (!central.read(c -> Permissions.mayMessageChat(c, session, d.channelType(), d.platformId()))) {
      fail(d, dir, "this agent group may not send to " + d.channelType() + " chat " + d.platformId()
          + "; wire it to that chat, or allow it with ./switchboard destinations add");
      return null;
    }
    Optional<Channel> channel = channels.running(d.channelType());
    if (channel.isEmpty()) {
      retry(d, "channel " + d.channelType() + " is not running");
      return null;
    }
    Path outbox = dir.resolve("outbox").resolve(d.messageOutId());
    OutboundContents.Parsed parsed =
        OutboundContents.parse(d.content(), ref -> platformMessageId(dir, ref, d), outbox);
    if (parsed instanceof OutboundContents.Invalid invalid) {
      fail(d, dir, invalid.reason());
      return null;
    }
    OutboundContent content = ((OutboundContents.Valid) parsed).content();
    Optional<String> tooLarge = tooLargeFile(content);
    if (tooLarge.isPresent()) {
      fail(d, dir, tooLarge.get());
      return null;
    }
    switch (Rendering.fit(content, channel.get().capabilities(), d.channelType())) {
      case Rendering.Unsupported unsupported -> {
        fail(d, dir, unsupported.reason());
        return null;
      }
      case Rendering.Send send -> {
        Instant now = clock.instant();
        Duration wait =
            rateLimiter.acquire(
                d.channelType() + "|" + d.platformId(), chatLimit(channel.get(), d),
                d.channelType(), channel.get().channelRateLimit(), now);
        if (!wait.isZero()) {
          central.write(c -> {
            Deliveries.postpone(c, d.sessionId(), d.messageOutId(), Times.format(now.plus(wait)));
            return null;
          });
          return null;
        }
        Channel to = channel.get();
        return () -> send(d, dir, to, send, content);
      }
    }
  }

  /**
   * The pace of the delivery's chat: the configured one, else the channel's own for a group or a
   * direct chat. The store is read only for a channel whose two differ; a chat not seen yet (a
   * destination) counts as a group, the stricter. A chat known to be a group is remembered (a chat
   * wired by id is stored as not a group until its first message says otherwise, so only that
   * answer is kept).
   */
  private RateLimit chatLimit(Channel channel, Delivery d) {
    RateLimit configured = policy.rateLimits().get(d.channelType());
    if (configured != null) {
      return configured;
    }
    RateLimit direct = channel.rateLimit();
    RateLimit group = channel.groupRateLimit();
    if (direct.equals(group)) {
      return direct;
    }
    String key = d.channelType() + "|" + d.platformId();
    if (groupChats.contains(key)) {
      return group;
    }
    Optional<MessagingGroup> chat = central.read(c -> MessagingGroups.find(c, d.channelType(), d.platformId()));
    if (chat.isPresent() && !chat.get().group()) {
      return direct;
    }
    if (chat.isPresent()) {
      groupChats.add(key);
    }
    return group;
  }

  private Set<String> unsettled() {
    if (!unsettledLoaded) {
      synchronized (unsettled) {
        if (!unsettledLoaded) {
          unsettled.addAll(central.read(Deliveries::pendingKeys));
          unsettledLoaded = true;
        }
      }
    }
    return unsettled;
  }

  private static String key(Delivery d) {
    return d.sessionId() + "|" + d.messageOutId();
  }

  /** When the session already records an outcome (a crash came between the two writes). */
  private boolean copiedRecordedOutcome(Delivery d, Path dir) {
    Optional<InboundRows.Finished> recorded =
        files.readInbound(dir, c -> InboundRows.finished(c, d.messageOutId()));
    if (recorded.isEmpty()) {
      return false;
    }
    // Copy the recorded outcome: the row may have failed for good, and an edit of it later reads
    // the platform message id.
    InboundRows.Finished outcome = recorded.get();
    central.write(c -> {
      if ("delivered".equals(outcome.status())) {
        Deliveries.markDelivered(
            c, d.sessionId(), d.messageOutId(), outcome.platformMessageId(), now(), true);
      } else {
        Deliveries.markFailed(
            c, d.sessionId(), d.messageOutId(), "recorded as " + outcome.status() + " before a restart", now());
      }
      return null;
    });
    return true;
  }

  private void toAgent(Delivery d, Session session, Path dir) {
    Optional<AgentGroup> target = agents.target(d.platformId());
    if (target.isEmpty()) {
      fail(d, dir, "no agent group '" + d.platformId() + "'");
      return;
    }
    if (!central.read(c -> Permissions.mayMessageAgent(c, session, target.get().id(), d.threadId()))) {
      fail(d, dir, "this agent group may not send to agent group " + target.get().folder()
          + "; allow it with ./switchboard destinations add <folder> <name> --agent " + target.get().folder());
      return;
    }
    OutboundContents.Parsed parsed = OutboundContents.parse(d.content(), ref -> Optional.empty(), dir);
    if (!(parsed instanceof OutboundContents.Valid valid)
        || !(valid.content() instanceof OutboundContent.Text text)
        || !text.files().isEmpty()) {
      fail(d, dir, "only text can be sent to another agent");
      return;
    }
    DeliveryResult result = agents.deliver(session, target.get(), d.threadId(), d.messageOutId(), text.text());
    if (result instanceof DeliveryResult.Delivered delivered) {
      finish(d, dir, "delivered", null, delivered.platformMessageId());
      stats.delivered();
    }
  }

  private Optional<String> tooLargeFile(OutboundContent content) {
    if (content instanceof OutboundContent.Text text) {
      for (OutboundContent.File file : text.files()) {
        if (file.size() > policy.maxOutboundFileBytes()) {
          return Optional.of("file " + file.name() + " is " + file.size() + " bytes, over the limit of "
              + policy.maxOutboundFileBytes() + " bytes");
        }
      }
    }
    return Optional.empty();
  }

  private void send(Delivery d, Path dir, Channel channel, Rendering.Send rendered, OutboundContent original) {
    OutboundMessage message =
        new OutboundMessage(
            d.messageOutId(),
            d.seq(),
            d.platformId(),
            d.threadId(),
            replyTarget(d),
            rendered.content(),
            d.attempts() + 1);
    DeliveryResult result;
    try {
      result = channel.deliver(message);

    } catch (RuntimeException e) {
      result = new DeliveryResult.Transient("the channel failed: " + e);
    }
    switch (result) {
      case DeliveryResult.Delivered delivered -> {
        if (original instanceof OutboundContent.Question question) {
          recordQuestion(d, question, rendered.questionAsText());
        }
        if (d.recurrence() != null) {
          rearm(d, dir, delivered.platformMessageId());
        } else {
          finish(d, dir, "delivered", null, delivered.platformMessageId());
        }
        stats.delivered();
      }
      case DeliveryResult.Transient failure -> retry(d, failure.reason());
      case DeliveryResult.RateLimited limited -> {
        // Counted as an attempt (the platform was asked), retried when the platform said.
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

  private void recordQuestion(Delivery d, OutboundContent.Question question, boolean asText) {
    com.fasterxml.jackson.databind.node.ArrayNode options = JSON.createArrayNode();
    question.options().forEach(o -> options.addObject().put("label", o.label()).put("value", o.value()));
    central.write(c -> {
      Questions.insert(
          c,
          new Questions.Pending(question.questionId(), d.sessionId(), d.messageOutId(), d.platformId(),
              d.channelType(), d.threadId(), now(), options.toString(), asText));
      return null;
    });
  }

  /** A recurring row was delivered: record it, and wait for its next occurrence. */
  private void rearm(Delivery d, Path dir, String platformMessageId) {
    Instant sent = clock.instant();
    Optional<Instant> next;
    try {
      next = Cron.parse(d.recurrence()).next(Times.parse(d.nextAttemptAt()), policy.timezone())
          .map(at -> at.isAfter(sent) ? at : Cron.parse(d.recurrence()).next(sent, policy.timezone()).orElse(at));
    } catch (IllegalArgumentException e) {
      LOG.warn("delivery {} of session {} has an invalid recurrence: {}", d.messageOutId(), d.sessionId(), e.getMessage());
      next = Optional.empty();
    }
    if (next.isEmpty()) {
      finish(d, dir, "delivered", null, platformMessageId);
      return;
    }
    String at = Times.format(next.get());
    files.writeInbound(dir, c -> {
      InboundRows.recordDelivered(c, d.messageOutId(), platformMessageId, "delivered", now());
      return null;
    });
    central.write(c -> {
      Deliveries.rearm(c, d.sessionId(), d.messageOutId(), platformMessageId, at);
      return null;
    });
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
    if (dir != null && "delivered".equals(status)) {
      // Recorded centrally now, which is what keeps it from being sent again; copied into the
      // session's delivered table with the session's other recent outcomes a moment later.
      central.write(c -> {
        Deliveries.markDelivered(c, d.sessionId(), d.messageOutId(), platformMessageId, now, false);
        return null;
      });
      removeOutbox(dir.resolve("outbox").resolve(d.messageOutId()));
      projection.enqueue(
          d.sessionId(), dir, new Deliveries.Outcome(d.messageOutId(), platformMessageId, "delivered", now));
      return;
    }
    if (dir != null) {
      files.writeInbound(
          dir,
          c -> {
            InboundRows.recordDelivered(c, d.messageOutId(), platformMessageId, status, now);
            return null;
          });
      removeOutbox(dir.resolve("outbox").resolve(d.messageOutId()));
    }
    try {
      central.write(
          c -> {
            if ("delivered".equals(status)) {
              Deliveries.markDelivered(c, d.sessionId(), d.messageOutId(), platformMessageId, now, true);
            } else {
              Deliveries.markFailed(c, d.sessionId(), d.messageOutId(), error, now);
            }
            return null;
          });
    } catch (RuntimeException e) {
      if (dir != null) {
        // Recorded in the session only: the next attempt finds it there instead of sending.
        unsettled.add(key(d));
      }
      throw e;
    }
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
    Optional<String> recorded =
        central.read(c -> Deliveries.platformMessageId(c, d.sessionId(), lookup));
    if (recorded.isPresent()) {
      return recorded;
    }
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
