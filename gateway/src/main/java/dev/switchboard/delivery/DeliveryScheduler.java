package dev.switchboard.delivery;

import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Delivery;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.Times;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries. One loop finds the rows that head their conversation and are due, and
 * hands each to a virtual thread; a conversation has at most one attempt in flight, so its rows go
 * out in seq order. The loop sleeps until the earliest next attempt or until {@link #signal()}.
 * All state that matters (attempts, next attempt time) is in {@code deliveries}, so a restart goes
 * on where the last run stopped.
 */
public final class DeliveryScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryScheduler.class);
  private static final int BATCH = 256;
  private static final Duration MAX_SLEEP = Duration.ofSeconds(5);

  private final CentralDb central;
  private final Clock clock;
  private final DeliveryAttempt attempt;
  private final DeliveryStats stats = new DeliveryStats();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean signalled;
  private volatile boolean closed;
  private Thread loop;

  public DeliveryScheduler(
      CentralDb central,
      SessionFiles files,
      ChannelDirectory channels,
      DeliveryPolicy policy,
      Clock clock,
      Consumer<String> wakeAgent) {
    this.central = central;
    this.clock = clock;
    this.attempt =
        new DeliveryAttempt(
            central, files, channels, policy, new RateLimiter(), clock, wakeAgent, stats);
  }

  public void start() {
    loop = Thread.ofPlatform().daemon().name("delivery-scheduler").start(this::loop);
  }

  public DeliveryStats stats() {
    return stats;
  }

  /** A hint that deliveries may be due now. */
  public void signal() {
    lock.lock();
    try {
      signalled = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (!closed) {
      try {
        dispatchDue();
        sleepUntilNext();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("delivery loop: {}", e.toString());
        try {
          sleep(Duration.ofSeconds(1));
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  private void dispatchDue() {
    String now = Times.format(clock.instant());
    List<Delivery> due = central.read(c -> Deliveries.due(c, now, BATCH));
    for (Delivery d : due) {
      String key = d.conversationKey();
      if (!inFlight.add(key)) {
        continue;
      }
      workers.execute(
          () -> {
            try {
              attempt.run(d);
            } catch (RuntimeException e) {
              LOG.error("delivery {} of session {}: {}", d.messageOutId(), d.sessionId(), e.toString());
            } finally {
              inFlight.remove(key);
              signal();
            }
          });
    }
  }

  private void sleepUntilNext() throws InterruptedException {
    Optional<String> next = central.read(Deliveries::nextDue);
    Duration wait = MAX_SLEEP;
    if (next.isPresent()) {
      Duration untilDue = Duration.between(clock.instant(), Times.parse(next.get()));
      // Something is due but its conversation is busy: its attempt will signal when it ends.
      wait = untilDue.isNegative() || untilDue.isZero() ? MAX_SLEEP : min(untilDue, MAX_SLEEP);
      if (!untilDue.isPositive() && inFlight.isEmpty()) {
        wait = Duration.ofMillis(50);
      }
    }
    sleep(wait);
  }

  private void sleep(Duration wait) throws InterruptedException {
    lock.lock();
    try {
      long nanos = wait.toNanos();
      while (!signalled && !closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Stops taking new work and waits for attempts in flight. */
  @Override
  public void close() {
    closed = true;
    signal();
    if (loop != null) {
      loop.interrupt();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("delivery attempts still running at shutdown; they stay pending and are retried");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Instant now() {
    return clock.instant();
  }
}
