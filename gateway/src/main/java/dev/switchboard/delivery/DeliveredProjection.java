package dev.switchboard.delivery;

import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.SessionFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies delivery outcomes into the sessions' {@code delivered} tables. A delivery is recorded in
 * the central database first (a WAL commit, cheap), which is what keeps it from being sent again.
 * Its copy into the session's inbound.db is queued as bookkeeping that rides along with the next
 * write of that file (the next routed message, the next ack sync), so that it costs no synced commit
 * of its own; what nothing carried within {@link SessionFiles#DEFERRED_HOLD} is written then. Copies
 * are marked in the central row in batches, and a copy a stop or crash left unmarked is made again
 * at the next start ({@link #recover}; it is idempotent). Lookups of a platform message id read the central row, so
 * an edit right after its message does not wait for the copy.
 */
final class DeliveredProjection implements AutoCloseable {
  static final Duration DELAY = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(DeliveredProjection.class);

  private record Copied(String sessionId, String messageOutId) {}

  private final CentralDb central;
  private final SessionFiles files;
  private final Queue<Copied> copied = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("delivered-projection").unstarted(r));

  DeliveredProjection(CentralDb central, SessionFiles files) {
    this.central = central;
    this.files = files;
  }

  /** Starts the timer that marks the copies made centrally. */
  void start() {
    timer.scheduleWithFixedDelay(this::markQuietly, DELAY.toMillis(), DELAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues the copy of one recorded outcome. */
  void enqueue(String sessionId, Path dir, Deliveries.Outcome outcome) {
    files.deferInbound(
        dir,
        "the outcome of delivery " + outcome.messageOutId(),
        c -> {
          InboundRows.recordDelivered(
              c, outcome.messageOutId(), outcome.platformMessageId(), outcome.status(), outcome.finishedAt());
          return null;
        },
        () -> copied.add(new Copied(sessionId, outcome.messageOutId())));
  }

  /** Queues the copies a stop or crash left unmade. */
  void recover() {
    List<String[]> sessions = central.read(Deliveries::sessionsWithUnprojected);
    if (sessions.isEmpty()) {
      return;
    }
    LOG.info("copying delivery outcomes of {} sessions into their delivered tables", sessions.size());
    for (String[] row : sessions) {
      Path dir = files.dir(row[1], row[0]);
      for (Deliveries.Outcome outcome : central.read(c -> Deliveries.unprojected(c, row[0]))) {
        enqueue(row[0], dir, outcome);
      }
    }
    flush();
  }

  /** Writes queued copies now and marks every copy made so far. */
  void flush() {
    files.flushDeferred();
    markCopied();
  }

  private void markCopied() {
    List<Copied> marked = new ArrayList<>();
    for (Copied c = copied.poll(); c != null; c = copied.poll()) {
      marked.add(c);
    }
    if (marked.isEmpty()) {
      return;
    }
    central.write(c -> {
      for (Copied each : marked) {
        Deliveries.markProjected(c, each.sessionId(), List.of(each.messageOutId()));
      }
      return null;
    });
  }

  private void markQuietly() {
    try {
      markCopied();
    } catch (RuntimeException e) {
      LOG.warn("marking copied delivery outcomes: {}", e.toString());
    }
  }

  /** Stops the timer and writes what is queued; anything left is copied at the next start. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("copying delivery outcomes: {}", e.toString());
    }
  }
}
