package dev.switchboard.scheduling;

import dev.switchboard.store.CentralDb;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts the next occurrence of recurring inbound rows when one finishes, and clears {@code
 * recurrence} on the finished row.
 *
 * <p>The next time is computed from the finished occurrence's scheduled time, not from when it
 * ran, so a daily 09:00 task stays at 09:00 however long it took. Catch-up rule: an occurrence
 * that fell due while the gateway was down runs once when it is back (it is simply overdue), and
 * that run stands for every slot missed since; when it finishes, the next occurrence is the first
 * slot after now, not one per missed slot.
 */
public final class Recurrences {
  private static final Logger LOG = LoggerFactory.getLogger(Recurrences.class);

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final ZoneId zone;

  public Recurrences(CentralDb central, SessionFiles files, Clock clock, ZoneId zone) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.zone = zone;
  }

  /** A finished recurring row. */
  public record Finished(String id, String processAfter, String timestamp, String recurrence) {}

  /** Schedules the next occurrence of each row; returns the earliest new due time. */
  public Optional<Instant> next(String sessionId, Path dir, List<Finished> rows) {
    Optional<Instant> earliest = Optional.empty();
    for (Finished row : rows) {
      Optional<Instant> at = nextOne(sessionId, dir, row);
      if (at.isPresent() && (earliest.isEmpty() || at.get().isBefore(earliest.get()))) {
        earliest = at;
      }
    }
    return earliest;
  }

  private Optional<Instant> nextOne(String sessionId, Path dir, Finished row) {
    Instant now = clock.instant();
    Instant scheduled = Times.parse(row.processAfter() != null ? row.processAfter() : row.timestamp());
    Optional<Instant> next;
    try {
      Cron cron = Cron.parse(row.recurrence());
      next = cron.next(scheduled, zone);
      if (next.isPresent() && !next.get().isAfter(now)) {
        // Slots passed while this occurrence waited or ran: its run was their catch-up.
        next = cron.next(now, zone);
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("session {} row {} has an invalid recurrence: {}", sessionId, row.id(), e.getMessage());
      next = Optional.empty();
    }
    Optional<ScheduledTasks.Task> series = central.read(c -> ScheduledTasks.byRow(c, sessionId, row.id()));
    String taskId = series.map(ScheduledTasks.Task::taskId).orElse(row.id());
    if (next.isEmpty()) {
      files.writeInbound(dir, c -> Jdbc.update(c, "UPDATE messages_in SET recurrence = NULL WHERE id = ?", row.id()));
      central.write(c -> {
        ScheduledTasks.setStatus(c, sessionId, taskId, "completed", Times.format(now));
        return null;
      });
      return Optional.empty();
    }
    Instant at = next.get();
    // Raised first, so that the sync that called this does not clear the wake time set below.
    central.write(c -> {
      SessionWork.markPending(c, sessionId);
      return null;
    });
    String newId = taskId + "@" + at.getEpochSecond();
    String processAfter = Times.formatSeconds(at);
    files.writeInbound(
        dir,
        c -> {
          Optional<InboundRow> copy =
              Jdbc.queryOne(
                  c,
                  "SELECT kind, platform_id, channel_type, thread_id, content FROM messages_in WHERE id = ?",
                  r ->
                      new InboundRow(
                          newId, r.getString(1), Times.format(now), processAfter, row.recurrence(),
                          r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
                  row.id());
          if (copy.isPresent()) {
            InboundRows.insert(c, copy.get());
          }
          Jdbc.update(c, "UPDATE messages_in SET recurrence = NULL WHERE id = ?", row.id());
          return null;
        });
    central.write(
        c -> {
          String prompt = series.map(ScheduledTasks.Task::prompt).orElse(null);
          ScheduledTasks.put(
              c,
              new ScheduledTasks.Task(sessionId, taskId, newId, processAfter, row.recurrence(), "pending", prompt),
              Times.format(now));
          SessionWork.scheduleWake(c, sessionId, Times.format(at));
          return null;
        });
    return Optional.of(at);
  }
}
