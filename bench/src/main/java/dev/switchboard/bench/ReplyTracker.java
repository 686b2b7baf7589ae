package dev.switchboard.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which sent messages still wait for their reply, matched by the reply's {@code replyTo}. The
 * round-trip latency of a message of the measured phase is the time its reply was received minus
 * the time it was due to be sent.
 */
final class ReplyTracker {
  /** The part of a run a message belongs to; only {@link #MEASURE} is recorded. */
  enum Phase {
    PRIME,
    WARMUP,
    MEASURE
  }

  private record Expected(Phase phase, long sentNanos) {}

  private final String expectedPrefix;
  private final Map<String, Expected> outstanding = new ConcurrentHashMap<>();
  private final Map<Phase, AtomicLong> expected = counters();
  private final Map<Phase, AtomicLong> answered = counters();
  private final Map<Phase, AtomicLong> withdrawn = counters();
  private final AtomicLong unmatched = new AtomicLong();
  private final AtomicLong unexpectedText = new AtomicLong();
  private final Latencies roundTrips = new Latencies();

  /** Replies whose text does not start with {@code expectedPrefix} come from the wrong agent. */
  ReplyTracker(String expectedPrefix) {
    this.expectedPrefix = expectedPrefix;
  }

  private static Map<Phase, AtomicLong> counters() {
    Map<Phase, AtomicLong> map = new EnumMap<>(Phase.class);
    for (Phase phase : Phase.values()) {
      map.put(phase, new AtomicLong());
    }
    return map;
  }

  /** A message with this id is about to be sent (it was due at {@code sentNanos}). */
  void expect(String id, Phase phase, long sentNanos) {
    if (outstanding.putIfAbsent(id, new Expected(phase, sentNanos)) != null) {
      throw new IllegalArgumentException("message id used twice: " + id);
    }
    expected.get(phase).incrementAndGet();
  }

  /** The message was not stored (refused or failed), so no reply can come. */
  void withdraw(String id) {
    Expected gone = outstanding.remove(id);
    if (gone != null) {
      withdrawn.get(gone.phase()).incrementAndGet();
    }
  }

  /** A reply received at {@code atNanos}. */
  void received(WebhookClient.Reply reply, long atNanos) {
    if (reply.text() == null || !reply.text().startsWith(expectedPrefix)) {
      unexpectedText.incrementAndGet();
      return;
    }
    Expected sent = reply.replyTo() == null ? null : outstanding.remove(reply.replyTo());
    if (sent == null) {
      unmatched.incrementAndGet();
      return;
    }
    answered.get(sent.phase()).incrementAndGet();
    if (sent.phase() == Phase.MEASURE) {
      roundTrips.add(atNanos - sent.sentNanos());
    }
  }

  long expected(Phase phase) {
    return expected.get(phase).get();
  }

  long answered(Phase phase) {
    return answered.get(phase).get();
  }

  /** Messages of {@code phase} that were stored and still wait for their reply. */
  long waiting(Phase phase) {
    return expected(phase) - answered(phase) - withdrawn.get(phase).get();
  }

  long waitingTotal() {
    return outstanding.size();
  }

  /** Replies to no message sent in this run, or a second reply to one. */
  long unmatched() {
    return unmatched.get();
  }

  /** Replies from another agent than the one expected. */
  long unexpectedText() {
    return unexpectedText.get();
  }

  Latencies roundTrips() {
    return roundTrips;
  }
}
