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
  private final DeliveredProjection projection;
  private final DeliveryStats stats = new DeliveryStats();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile long dueCount;
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
    this.projection = new DeliveredProjection(central, files);
    this.attempt =
        new DeliveryAttempt(
            central, files, channels, policy, new RateLimiter(), clock, wakeAgent, stats, projection);
  }

  public void start() {
    projection.recover();
    projection.start();
    loop = Thread.ofPlatform().daemon().name("delivery-scheduler").start(this::loop);
  }

  public DeliveryStats stats() {
    return stats;
  }

  /**
   * Deliveries due and not yet made (the replies waiting for the delivery part, in flight ones
   * included), as counted at the last look for due rows: after every attempt, and whenever new
   * replies are signalled.
   */
  public long due() {
    return dueCount;
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
        boolean more = dispatchDue();
        if (!more) {
          sleepUntilNext();
        }
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

  /** Hands due rows to workers; returns whether more may be due than one batch held. */
  private boolean dispatchDue() {
    String now = Times.format(clock.instant());
    List<Delivery> due = central.read(c -> {
      dueCount = Deliveries.countDue(c, now);
      return Deliveries.due(c, now, BATCH);
    });
    int dispatched = 0;
    for (Delivery d : due) {
      String key = d.conversationKey();
      if (!inFlight.add(key)) {
        continue;
      }
      dispatched++;
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
    return due.size() == BATCH && dispatched > 0;
  }

  /**
   * Sleeps until the earliest attempt due later, or a signal. A row due now that was not
   * dispatched waits for an attempt in flight (its own conversation's, or one holding a full batch),
   * and every attempt signals when it ends; so only future attempts set the alarm. (Taking the
   * earliest of all pending rows instead would find a row that waits behind a retry, already due,
   * and sleep the longest time while another conversation's retry fell due.)
   */
  private void sleepUntilNext() throws InterruptedException {
    Instant now = clock.instant();
    Optional<String> next = central.read(c -> Deliveries.nextDueAfter(c, Times.format(now)));
    Duration wait = next.map(at -> Duration.between(now, Times.parse(at))).orElse(MAX_SLEEP);
    sleep(min(wait, MAX_SLEEP));
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
    projection.close();
  }
}
