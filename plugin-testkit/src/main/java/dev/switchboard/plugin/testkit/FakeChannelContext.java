package dev.switchboard.plugin.testkit;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A gateway stand-in for a channel's tests. It answers {@link #submit} as the gateway does: a new
 * event is stored (for one session, {@code session-1}), an event whose chat and message id it has
 * seen is a {@link InboundOutcome.Duplicate}, an event without a message id gets a made-up one.
 * Tests can make it drop everything (as when no wiring takes a chat) or refuse everything with
 * {@link StoreUnavailableException} (as when the disk is full), and wait for what it received.
 *
 * <p>Thread-safe: channels submit from their own threads while the test reads and waits.
 */
public final class FakeChannelContext implements ChannelContext {
  /** The session every stored event and answer goes to. */
  public static final String SESSION = "session-1";

  private enum Mode {
    STORE,
    DROP,
    UNAVAILABLE
  }

  private final Path dataDir;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Everything below is guarded by lock.
  private final List<InboundEvent> submitted = new ArrayList<>();
  private final List<InboundEvent> stored = new ArrayList<>();
  private final List<InboundEvent> dropped = new ArrayList<>();
  private final List<QuestionAnswer> answers = new ArrayList<>();
  private final List<IntegratorEvent> events = new ArrayList<>();
  private final Set<String> seenMessages = new HashSet<>();
  private final Set<String> seenAnswers = new HashSet<>();
  private Mode mode = Mode.STORE;
  private String dropReason;
  private int madeUpIds;

  /** A context whose channel keeps its state in {@code dataDir}, created if missing. */
  public FakeChannelContext(Path dataDir) {
    this.dataDir = requireNonNull(dataDir, "dataDir is null");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the channel's data folder " + dataDir, e);
    }
  }

  /** A context with a new temporary data folder; the caller removes it. */
  public static FakeChannelContext inTemporaryFolder() {
    try {
      return new FakeChannelContext(Files.createTempDirectory("switchboard-channel-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder", e);
    }
  }

  /** From now on, stores what is submitted (the default). */
  public void storeEverything() {
    setMode(Mode.STORE, null);
  }

  /** From now on, records what is submitted as dropped with {@code reason}: no wiring takes it. */
  public void dropEverything(String reason) {
    setMode(Mode.DROP, requireNonNull(reason, "reason is null"));
  }

  /** From now on, refuses everything with a {@link StoreUnavailableException}. */
  public void failEverything() {
    setMode(Mode.UNAVAILABLE, null);
  }

  @Override
  public InboundOutcome submit(InboundEvent event) {
    requireNonNull(event, "event is null");
    lock.lock();
    try {
      submitted.add(event);
      changed.signalAll();
      if (mode == Mode.UNAVAILABLE) {
        throw new StoreUnavailableException("the fake store is unavailable", null);
      }
      String id = event.messageId() == null ? "made-up-" + ++madeUpIds : event.messageId();
      if (!seenMessages.add(event.platformId() + '\u0000' + id)) {
        return new InboundOutcome.Duplicate(id);
      }
      if (mode == Mode.DROP) {
        dropped.add(event);
        return new InboundOutcome.Dropped(id, dropReason);
      }
      stored.add(event);
      return new InboundOutcome.Stored(id, List.of(SESSION));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes an integrator's event as {@link #submit} takes a message: stored once per chat and event
   * id (a repeat is a duplicate), dropped or refused as the mode says.
   */
  @Override
  public InboundOutcome submitEvent(IntegratorEvent event) {
    requireNonNull(event, "event is null");
    lock.lock();
    try {
      changed.signalAll();
      if (mode == Mode.UNAVAILABLE) {
        throw new StoreUnavailableException("the fake store is unavailable", null);
      }
      String id = event.eventId() == null ? "made-up-" + ++madeUpIds : event.eventId();
      if (!seenMessages.add(event.platformId() + '\u0000' + id)) {
        return new InboundOutcome.Duplicate(id);
      }
      if (mode == Mode.DROP) {
        return new InboundOutcome.Dropped(id, dropReason);
      }
      events.add(event);
      return new InboundOutcome.Stored(id, List.of(SESSION));
    } finally {
      lock.unlock();
    }
  }

  /** The integrator events stored, in order. */
  public List<IntegratorEvent> events() {
    return read(() -> List.copyOf(events));
  }

  /**
   * Takes every answer (the fake knows no questions, so none is unknown or expired), unless told
   * to drop everything: then it refuses answers with that reason, as the gateway refuses one to a
   * question no longer open.
   */
  @Override
  public InboundOutcome submitAnswer(QuestionAnswer answer) {
    requireNonNull(answer, "answer is null");
    lock.lock();
    try {
      if (mode == Mode.UNAVAILABLE) {
        throw new StoreUnavailableException("the fake store is unavailable", null);
      }
      if (answer.answerId() != null
          && !seenAnswers.add(answer.platformId() + '\u0000' + answer.answerId())) {
        return new InboundOutcome.Duplicate(answer.answerId());
      }
      if (mode == Mode.DROP) {
        return new InboundOutcome.Dropped("answer-" + answer.questionId(), dropReason);
      }
      answers.add(answer);
      changed.signalAll();
      return new InboundOutcome.Stored("answer-" + answers.size(), List.of(SESSION));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  /** Every event submitted, in order, duplicates and refused ones included. */
  public List<InboundEvent> submitted() {
    return read(() -> List.copyOf(submitted));
  }

  /** The events stored, in order: each chat and message id once. */
  public List<InboundEvent> stored() {
    return read(() -> List.copyOf(stored));
  }

  /** The events recorded as dropped while {@link #dropEverything} was in force. */
  public List<InboundEvent> dropped() {
    return read(() -> List.copyOf(dropped));
  }

  /** The answers to questions taken, in order. */
  public List<QuestionAnswer> answers() {
    return read(() -> List.copyOf(answers));
  }

  /** Waits until an event with this message id is stored; fails after {@code timeout}. */
  public InboundEvent awaitStored(String messageId, Duration timeout) {
    return await(
        "an event with message id " + messageId + " is stored",
        timeout,
        () -> stored.stream().filter(e -> messageId.equals(e.messageId())).findFirst());
  }

  /** Waits until {@code count} events are stored; returns them; fails after {@code timeout}. */
  public List<InboundEvent> awaitStored(int count, Duration timeout) {
    return await(
        count + " events are stored",
        timeout,
        () -> stored.size() >= count ? Optional.of(List.copyOf(stored)) : Optional.empty());
  }

  /** Waits until an event matching {@code condition} is submitted; fails after {@code timeout}. */
  public InboundEvent awaitSubmitted(
      String what, Predicate<InboundEvent> condition, Duration timeout) {
    return await(what, timeout, () -> submitted.stream().filter(condition).findFirst());
  }

  /** Waits until an answer to {@code questionId} is taken; fails after {@code timeout}. */
  public QuestionAnswer awaitAnswer(String questionId, Duration timeout) {
    return await(
        "an answer to question " + questionId + " is taken",
        timeout,
        () -> answers.stream().filter(a -> questionId.equals(a.questionId())).findFirst());
  }

  private void setMode(Mode newMode, String reason) {
    lock.lock();
    try {
      mode = newMode;
      dropReason = reason;
    } finally {
      lock.unlock();
    }
  }

  private <T> T read(Supplier<T> reader) {
    lock.lock();
    try {
      return reader.get();
    } finally {
      lock.unlock();
    }
  }

  // Called without the lock; finder runs with it held and is re-run whenever something arrives.
  private <T> T await(String what, Duration timeout, Supplier<Optional<T>> finder) {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      Optional<T> found = finder.get();
      while (found.isEmpty()) {
        if (nanos <= 0) {
          throw new AssertionError(
              "timed out after " + timeout + " waiting until " + what + "; submitted so far: "
                  + submitted.stream().map(FakeChannelContext::describe).toList());
        }
        nanos = changed.awaitNanos(nanos);
        found = finder.get();
      }
      return found.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting until " + what, e);
    } finally {
      lock.unlock();
    }
  }

  private static String describe(InboundEvent event) {
    return event.platformId() + "/" + event.messageId();
  }
}
