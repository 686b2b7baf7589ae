package dev.switchboard.agents;

import dev.switchboard.scheduling.Recurrences;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.OutboundRows;
import dev.switchboard.store.ScheduledTasks;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.SqlWork;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Copies the agent's acks into {@code messages_in.status}, and keeps the session's pending-work flag
 * and next wake time in {@code session_work} true to what is left.
 */
final class AckSync {
  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;

  private final Recurrences recurrences;
  private final Unfinished unfinished;

  AckSync(CentralDb central, SessionFiles files, Clock clock, java.time.ZoneId zone) {
    this(central, files, clock, zone, new Unfinished());
  }

  /**
   * @param unfinished settled to what each sync finds left (see {@link Unfinished})
   */
  AckSync(CentralDb central, SessionFiles files, Clock clock, java.time.ZoneId zone, Unfinished unfinished) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.recurrences = new Recurrences(central, files, clock, zone);
    this.unfinished = unfinished;
  }

  /** What is left of a session's inbound work after a sync. */
  record Left(int due, int processing, int changed, Instant nextWake) {
    boolean idle() {
      return due == 0 && processing == 0;
    }
  }

  /** Syncs, leaving plain status copies to ride the file's next write (see below). */
  Left sync(String sessionId, Path dir) {
    return sync(sessionId, dir, false);
  }

  /**
   * @param now write the status copies at once, as when an agent has stopped and its session's
   *     rows should be settled on disk
   */
  Left sync(String sessionId, Path dir, boolean now) {
    // Read the flag's generation first: a message routed after this point bumps it, and then the
    // flag is not cleared below even if this sync read inbound.db before that message landed.
    long generation =
        central.read(
            c -> Jdbc.queryLong(c, "SELECT inbound_pending FROM session_work WHERE session_id = ?", sessionId));
    long mark = unfinished.mark(sessionId);
    List<InboundRows.Pending> pending = files.readInbound(dir, InboundRows::pending);
    Left left = sync(sessionId, dir, now, generation, pending);
    unfinished.settle(
        sessionId,
        mark,
        pending.stream().map(InboundRows.Pending::id).collect(java.util.stream.Collectors.toSet()),
        left.due() + left.processing());
    return left;
  }

  private Left sync(
      String sessionId, Path dir, boolean now, long generation, List<InboundRows.Pending> pending) {
    if (pending.isEmpty()) {
      central.write(c -> {
        SessionWork.markIdle(c, sessionId, null, generation);
        return null;
      });
      return new Left(0, 0, 0, null);
    }
    List<String> ids = pending.stream().map(InboundRows.Pending::id).toList();
    Map<String, String> acks = files.readOutbound(dir, c -> OutboundRows.acks(c, ids));
    List<InboundRows.Pending> finished = new ArrayList<>();
    int due = 0;
    int processing = 0;
    Instant at = clock.instant();
    Instant nextWake = null;
    for (InboundRows.Pending row : pending) {
      String ack = acks.get(row.id());
      if ("completed".equals(ack) || "failed".equals(ack)) {
        finished.add(row);
      } else if ("processing".equals(ack)) {
        processing++;
      } else if (row.processAfter() == null || !Times.parse(row.processAfter()).isAfter(at)) {
        due++;
      } else {
        Instant after = Times.parse(row.processAfter());
        nextWake = nextWake == null || after.isBefore(nextWake) ? after : nextWake;
      }
    }
    List<Recurrences.Finished> recurring =
        finished.stream()
            .filter(row -> row.recurrence() != null)
            .map(row -> new Recurrences.Finished(row.id(), row.processAfter(), row.timestamp(), row.recurrence()))
            .toList();
    if (!finished.isEmpty()) {
      SqlWork<Void> statuses =
          c -> {
            for (InboundRows.Pending row : finished) {
              InboundRows.setStatus(c, row.id(), acks.get(row.id()));
            }
            return null;
          };
      Set<String> tasks = openTaskRows(sessionId, finished);
      if (!now && recurring.isEmpty() && tasks.isEmpty()) {
        // The copy is derived from the acks, which stay the truth: agents skip rows they have
        // acked whatever the status says, and a copy lost in a crash is made again by the first
        // sync after the start. So it rides the file's next write (a routed message, usually)
        // instead of paying a synced commit of its own; SessionFiles writes it alone once it has
        // waited DEFERRED_HOLD for one.
        files.deferInbound(dir, "the statuses of " + finished.size() + " finished message(s)", statuses, () -> {});
      } else {
        // A finished recurring row gets its next occurrence below, once: its status must be
        // written before the next sync, which would otherwise find it finished again. A task's
        // row is what the task list shows, so it is settled with the task.
        files.writeInbound(dir, statuses);
        finishOneOffTasks(sessionId, finished, acks, tasks);
      }
    }
    if (!recurring.isEmpty()) {
      Optional<Instant> next = recurrences.next(sessionId, dir, recurring);
      if (next.isPresent() && (nextWake == null || next.get().isBefore(nextWake))) {
        nextWake = next.get();
      }
    }
    if (due == 0 && processing == 0) {
      String wakeAt = nextWake == null ? null : Times.format(nextWake);
      central.write(c -> {
        SessionWork.markIdle(c, sessionId, wakeAt, generation);
        return null;
      });
    }
    return new Left(due, processing, finished.size(), nextWake);
  }

  /** The finished rows that are rows of this session's scheduled tasks still open. */
  private Set<String> openTaskRows(String sessionId, List<InboundRows.Pending> finished) {
    Set<String> open = central.read(c -> ScheduledTasks.openRows(c, sessionId));
    if (open.isEmpty()) {
      return Set.of();
    }
    Set<String> rows = new java.util.HashSet<>();
    for (InboundRows.Pending row : finished) {
      if (open.contains(row.id())) {
        rows.add(row.id());
      }
    }
    return rows;
  }

  /**
   * A finished task row that does not recur ends its series in {@code scheduled_tasks} (recurring
   * ones move on to their next occurrence instead).
   */
  private void finishOneOffTasks(
      String sessionId, List<InboundRows.Pending> finished, Map<String, String> acks, Set<String> open) {
    List<InboundRows.Pending> tasks =
        finished.stream().filter(row -> row.recurrence() == null && open.contains(row.id())).toList();
    if (tasks.isEmpty()) {
      return;
    }
    String now = Times.format(clock.instant());
    central.write(c -> {
      for (InboundRows.Pending row : tasks) {
        ScheduledTasks.finishRow(c, sessionId, row.id(), acks.get(row.id()), now);
      }
      return null;
    });
  }
}
