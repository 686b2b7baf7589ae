package dev.switchboard.delivery;

import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.SessionFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies delivery outcomes into the sessions' {@code delivered} tables. A delivery is recorded in
 * the central database first (a WAL commit, cheap); the copy follows {@link #DELAY} later, every
 * outcome of a session since the last copy in one transaction of its inbound.db. On a busy session
 * that is one synced commit of the session file for many replies instead of one per reply.
 *
 * <p>The central row is what stops a second send: a delivery is never attempted again once it is
 * recorded there, copied or not. A copy a stop or a crash interrupted is finished at the next
 * start ({@link #recover}); the copy is idempotent (the same row is written again). Lookups of a
 * platform message id read the central row, so an edit right after its message does not wait for
 * the copy.
 */
final class DeliveredProjection implements AutoCloseable {
  static final Duration DELAY = Duration.ofMillis(200);
  private static final Duration RETRY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(DeliveredProjection.class);

  private final CentralDb central;
  private final SessionFiles files;
  private final Map<String, Path> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("delivered-projection").unstarted(r));

  DeliveredProjection(CentralDb central, SessionFiles files) {
    this.central = central;
    this.files = files;
  }

  /** The session has outcomes to copy; they are copied within {@link #DELAY}. */
  void enqueue(String sessionId, Path dir) {
    pending.put(sessionId, dir);
    schedule(DELAY);
  }

  /** Queues every session whose outcomes a stop or crash left uncopied. */
  void recover() {
    for (String[] row : central.read(Deliveries::sessionsWithUnprojected)) {
      pending.put(row[0], files.dir(row[1], row[0]));
    }
    if (!pending.isEmpty()) {
      LOG.info("copying delivery outcomes of {} sessions into their delivered tables", pending.size());
      schedule(Duration.ZERO);
    }
  }

  /** Copies everything queued now; outcomes that cannot be copied stay queued. */
  void flush() {
    for (String sessionId : List.copyOf(pending.keySet())) {
      Path dir = pending.remove(sessionId);
      if (dir == null) {
        continue;
      }
      try {
        copy(sessionId, dir);
      } catch (RuntimeException e) {
        LOG.warn("copying delivery outcomes into session {}: {}; retrying in {} s",
            sessionId, e.getMessage(), RETRY.toSeconds());
        pending.putIfAbsent(sessionId, dir);
        schedule(RETRY);
      }
    }
  }

  private void copy(String sessionId, Path dir) {
    List<Deliveries.Outcome> outcomes = central.read(c -> Deliveries.unprojected(c, sessionId));
    if (outcomes.isEmpty()) {
      return;
    }
    files.writeInbound(dir, c -> {
      for (Deliveries.Outcome o : outcomes) {
        InboundRows.recordDelivered(c, o.messageOutId(), o.platformMessageId(), o.status(), o.finishedAt());
      }
      return null;
    });
    List<String> ids = outcomes.stream().map(Deliveries.Outcome::messageOutId).toList();
    central.write(c -> {
      Deliveries.markProjected(c, sessionId, ids);
      return null;
    });
  }

  private void schedule(Duration delay) {
    if (scheduled.compareAndSet(false, true)) {
      try {
        timer.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        scheduled.set(false);
      }
    }
  }

  private void run() {
    scheduled.set(false);
    flush();
  }

  /** Copies what is queued, then stops; anything left is copied at the next start. */
  @Override
  public void close() {
    timer.shutdown();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
