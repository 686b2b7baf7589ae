package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Queries on the host's {@code scheduled_tasks}: one row per task series of a session. */
public final class ScheduledTasks {
  private ScheduledTasks() {}

  /** A task series and its current occurrence. */
  public record Task(
      String sessionId,
      String taskId,
      String rowId,
      String dueAt,
      String recurrence,
      String status,
      String prompt) {}

  private static final String COLUMNS =
      "session_id, task_id, row_id, due_at, recurrence, status, prompt";

  public static void put(Connection c, Task task, String now) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO scheduled_tasks (" + COLUMNS + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(session_id, task_id) DO UPDATE SET row_id = excluded.row_id,"
            + " due_at = excluded.due_at, recurrence = excluded.recurrence, status = excluded.status,"
            + " prompt = excluded.prompt, updated_at = excluded.updated_at",
        task.sessionId(),
        task.taskId(),
        task.rowId(),
        task.dueAt(),
        task.recurrence(),
        task.status(),
        task.prompt(),
        now);
  }

  public static Optional<Task> find(Connection c, String sessionId, String taskId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM scheduled_tasks WHERE session_id = ? AND task_id = ?",
        ScheduledTasks::map,
        sessionId,
        taskId);
  }

  /** The series whose current occurrence is this inbound row. */
  public static Optional<Task> byRow(Connection c, String sessionId, String rowId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM scheduled_tasks WHERE session_id = ? AND row_id = ?",
        ScheduledTasks::map,
        sessionId,
        rowId);
  }

  /** Every series with this task id, in any session (the CLI names tasks by id alone). */
  public static List<Task> byTaskId(Connection c, String taskId) throws SQLException {
    return Jdbc.query(
        c, "SELECT " + COLUMNS + " FROM scheduled_tasks WHERE task_id = ?", ScheduledTasks::map, taskId);
  }

  public static List<Task> list(Connection c, boolean includeFinished) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM scheduled_tasks"
            + (includeFinished ? "" : " WHERE status IN ('pending', 'paused')")
            + " ORDER BY due_at",
        ScheduledTasks::map);
  }

  public static void setStatus(Connection c, String sessionId, String taskId, String status, String now)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE scheduled_tasks SET status = ?, updated_at = ? WHERE session_id = ? AND task_id = ?",
        status,
        now,
        sessionId,
        taskId);
  }

  /** The rows of this session's series that have not finished, for telling finished task rows apart. */
  public static Set<String> openRows(Connection c, String sessionId) throws SQLException {
    return new HashSet<>(
        Jdbc.query(
            c,
            "SELECT row_id FROM scheduled_tasks WHERE session_id = ? AND status IN ('pending', 'paused')",
            r -> r.getString(1),
            sessionId));
  }

  /** Records that the series whose current occurrence is this row has finished with it. */
  public static void finishRow(Connection c, String sessionId, String rowId, String status, String now)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE scheduled_tasks SET status = ?, updated_at = ? WHERE session_id = ? AND row_id = ?",
        status,
        now,
        sessionId,
        rowId);
  }

  private static Task map(java.sql.ResultSet r) throws SQLException {
    return new Task(
        r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getString(7));
  }
}
