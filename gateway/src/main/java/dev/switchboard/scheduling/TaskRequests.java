package dev.switchboard.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Times;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Applies the task requests an agent writes as {@code system} outbound rows: {@code schedule_task},
 * {@code cancel_task}, {@code pause_task}, {@code resume_task}. A task is a {@code task} inbound row
 * that falls due at {@code processAfter} (and again per {@code recurrence}). Every request is
 * idempotent, so a request applied again after a crash changes nothing more.
 */
public final class TaskRequests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final ZoneId zone;

  public TaskRequests(CentralDb central, SessionFiles files, Clock clock, ZoneId zone) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.zone = zone;
  }

  /** What became of a request: applied, or refused with a reason for the agent. */
  public sealed interface Result {
    record Applied(String summary, Optional<Instant> wakeAt) implements Result {}

    record Refused(String reason) implements Result {}
  }

  public Result apply(String sessionId, Path dir, String contentJson) {
    JsonNode request;
    try {
      request = JSON.readTree(contentJson);
    } catch (IOException e) {
      return new Result.Refused("system request is not JSON");
    }
    if (request == null || !request.isObject()) {
      return new Result.Refused("system request is not a JSON object");
    }
    String action = request.path("action").asText("");
    String taskId = request.path("taskId").asText("");
    if (taskId.isBlank() || taskId.length() > 200) {
      return new Result.Refused(action + " needs a taskId of 1 to 200 characters");
    }
    return switch (action) {
      case "schedule_task" -> schedule(sessionId, dir, taskId, request);
      case "cancel_task" -> change(sessionId, dir, taskId, "cancelled");
      case "pause_task" -> change(sessionId, dir, taskId, "paused");
      case "resume_task" -> change(sessionId, dir, taskId, "pending");
      default -> new Result.Refused("unknown system action '" + action + "'");
    };
  }

  private Result schedule(String sessionId, Path dir, String taskId, JsonNode request) {
    String prompt = request.path("prompt").asText("");
    if (prompt.isBlank()) {
      return new Result.Refused("schedule_task " + taskId + " needs a prompt");
    }
    String recurrence = request.hasNonNull("recurrence") ? request.get("recurrence").asText() : null;
    Instant now = clock.instant();
    Instant at;
    try {
      Cron cron = recurrence == null ? null : Cron.parse(recurrence);
      if (request.hasNonNull("processAfter")) {
        at = Times.parse(request.get("processAfter").asText());
      } else if (cron != null) {
        at = cron.next(now, zone).orElseThrow(() -> new IllegalArgumentException("recurrence " + recurrence + " never fires"));
      } else {
        at = now;
      }
    } catch (IllegalArgumentException e) {
      return new Result.Refused("schedule_task " + taskId + ": " + e.getMessage());
    }
    ObjectNode content = JSON.createObjectNode().put("prompt", prompt).put("taskId", taskId);
    if (request.hasNonNull("script")) {
      content.put("script", request.get("script").asText());
    }
    String processAfter = Times.formatSeconds(at);
    String nowText = Times.format(now);
    Optional<ScheduledTasks.Task> existing = central.read(c -> ScheduledTasks.find(c, sessionId, taskId));
    String currentId = existing.map(ScheduledTasks.Task::rowId).orElse(taskId);
    // An occurrence that already ran or was cancelled keeps its row; a new one gets an id of its own.
    String freshId = taskId + "@" + at.getEpochSecond();
    List<String> candidates = currentId.equals(freshId) ? List.of(currentId) : List.of(currentId, freshId);
    // Raised before the row is written, like the router does, so that a sync of the session that
    // read inbound.db before this row cannot clear the wake time set below.
    central.write(c -> {
      SessionWork.markPending(c, sessionId);
      return null;
    });
    String rowId =
        files.writeInbound(
            dir,
            c -> {
              Optional<InboundRows.Routing> routing = InboundRows.routing(c);
              for (String id : candidates) {
                boolean updated =
                    Jdbc.update(
                            c,
                            "UPDATE messages_in SET process_after = ?, recurrence = ?, content = ?, status = 'pending'"
                                + " WHERE id = ? AND status IN ('pending', 'paused')",
                            processAfter,
                            recurrence,
                            content.toString(),
                            id)
                        == 1;
                if (updated) {
                  return id;
                }
                Optional<String> inserted =
                    InboundRows.insert(
                        c,
                        new InboundRow(
                            id,
                            "task",
                            nowText,
                            processAfter,
                            recurrence,
                            routing.map(InboundRows.Routing::platformId).orElse(null),
                            routing.map(InboundRows.Routing::channelType).orElse(null),
                            routing.map(InboundRows.Routing::threadId).orElse(null),
                            content.toString()));
                if (inserted.isPresent()) {
                  return inserted.get();
                }
              }
              // Both rows exist and are finished: this very occurrence ran already.
              return freshId;
            });
    central.write(
        c -> {
          ScheduledTasks.put(
              c,
              new ScheduledTasks.Task(sessionId, taskId, rowId, processAfter, recurrence, "pending", prompt),
              nowText);
          SessionWork.scheduleWake(c, sessionId, Times.format(at));
          return null;
        });
    return new Result.Applied("scheduled " + taskId + " for " + processAfter + " UTC", Optional.of(at));
  }

  /** Cancels, pauses or resumes the task's current occurrence. */
  public Result change(String sessionId, Path dir, String taskId, String status) {
    Optional<ScheduledTasks.Task> task = central.read(c -> ScheduledTasks.find(c, sessionId, taskId));
    if (task.isEmpty()) {
      Optional<String> repeating = central.read(c -> Deliveries.scheduledStatus(c, sessionId, taskId));
      if (repeating.isPresent()) {
        return changeScheduled(sessionId, taskId, repeating.get(), status);
      }
      return new Result.Refused("no task '" + taskId + "' in this session");
    }
    String current = task.get().status();
    if (!current.equals("pending") && !current.equals("paused")) {
      // Finished or cancelled: nothing left to change. The same request applied again is no error.
      return current.equals(status)
          ? new Result.Applied(taskId + " is already " + current, Optional.empty())
          : new Result.Refused("task '" + taskId + "' is " + current);
    }
    String from =
        switch (status) {
          case "pending" -> "'paused'";
          case "paused" -> "'pending'";
          default -> "'pending', 'paused'";
        };
    String rowId = task.get().rowId();
    central.write(c -> {
      SessionWork.markPending(c, sessionId);
      return null;
    });
    Optional<String> dueAt =
        files.writeInbound(
            dir,
            c -> {
              Jdbc.update(
                  c,
                  "UPDATE messages_in SET status = ? WHERE id = ? AND status IN (" + from + ")",
                  status,
                  rowId);
              return Jdbc.queryOne(
                  c, "SELECT process_after FROM messages_in WHERE id = ?", r -> r.getString(1), rowId);
            });
    String now = Times.format(clock.instant());
    Optional<Instant> wakeAt = Optional.empty();
    if (status.equals("pending")) {
      Instant at = dueAt.map(Times::parse).filter(t -> t.isAfter(clock.instant())).orElse(clock.instant());
      wakeAt = Optional.of(at);
    }
    Optional<Instant> wake = wakeAt;
    central.write(
        c -> {
          ScheduledTasks.setStatus(c, sessionId, taskId, status, now);
          if (wake.isPresent()) {
            SessionWork.scheduleWake(c, sessionId, Times.format(wake.get()));
          }
          return null;
        });
    String verb =
        switch (status) {
          case "cancelled" -> "cancelled";
          case "paused" -> "paused";
          default -> "resumed";
        };
    return new Result.Applied(verb + " " + taskId, wakeAt);
  }

  /**
   * The same requests for a scheduled outbound message (one the agent wrote with a recurrence or a
   * deliver_after), named by its message id: cancelled, it goes out no more; paused, it is held
   * until resumed; resumed, it goes out at its next time, or at once if that time passed while it
   * was paused.
   */
  private Result changeScheduled(String sessionId, String messageId, String current, String status) {
    List<String> from =
        switch (status) {
          case "pending" -> List.of("paused");
          case "paused" -> List.of("pending", "scheduled");
          default -> List.of("pending", "scheduled", "paused");
        };
    String to = status.equals("pending") ? "scheduled" : status;
    String now = Times.format(clock.instant());
    boolean changed = central.write(c -> Deliveries.changeScheduled(c, sessionId, messageId, to, from, now));
    if (!changed) {
      String state = current.equals("scheduled") || current.equals("pending") ? "going" : current;
      return state.equals(to) || (to.equals("scheduled") && state.equals("going"))
          ? new Result.Applied("scheduled message " + messageId + " is already " + state, Optional.empty())
          : new Result.Refused("scheduled message '" + messageId + "' is " + state);
    }
    String verb =
        switch (status) {
          case "cancelled" -> "cancelled";
          case "paused" -> "paused";
          default -> "resumed";
        };
    return new Result.Applied(verb + " scheduled message " + messageId, Optional.empty());
  }
}
