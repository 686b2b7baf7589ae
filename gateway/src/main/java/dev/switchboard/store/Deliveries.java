package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Queries on the host's {@code deliveries}. */
public final class Deliveries {
  private static final String COLUMNS =
      "session_id, message_out_id, seq, kind, content, in_reply_to, channel_type, platform_id,"
          + " thread_id, attempts, next_attempt_at, recurrence";

  private Deliveries() {}

  /** Takes an outbound row in; a row taken before is left as it is. */
  public static void insertIfAbsent(Connection c, Delivery d, String now) throws SQLException {
    Jdbc.update(
        c,
        "INSERT OR IGNORE INTO deliveries (" + COLUMNS + ", status, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        d.sessionId(),
        d.messageOutId(),
        d.seq(),
        d.kind(),
        d.content(),
        d.inReplyTo(),
        d.channelType(),
        d.platformId(),
        d.threadId(),
        d.attempts(),
        d.nextAttemptAt(),
        d.recurrence(),
        d.recurrence() != null || d.nextAttemptAt().compareTo(now) > 0 ? "scheduled" : "pending",
        now);
  }

  /**
   * The row as it is now, if it is still waiting and due: the scheduler's list may be stale by
   * the time an attempt starts (an earlier attempt may have finished or moved it).
   */
  public static Optional<Delivery> currentIfDue(Connection c, String sessionId, String messageOutId, String now)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM deliveries WHERE session_id = ? AND message_out_id = ?"
            + " AND status IN ('pending', 'scheduled') AND next_attempt_at <= ?",
        Deliveries::map,
        sessionId,
        messageOutId,
        now);
  }

  /**
   * Records a delivery of a recurring row and makes it wait for its next occurrence. Its attempts
   * start again from zero.
   */
  public static void rearm(
      Connection c, String sessionId, String messageOutId, String platformMessageId, String nextAt)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE deliveries SET status = 'scheduled', attempts = 0, last_error = NULL,"
            + " platform_message_id = ?, next_attempt_at = ? WHERE session_id = ? AND message_out_id = ?"
            // Paused or cancelled while this occurrence was being sent: it stays so.
            + " AND status IN ('pending', 'scheduled')",
        platformMessageId,
        nextAt,
        sessionId,
        messageOutId);
  }

  // A delivery an operator or its agent may pause, resume or cancel: one that repeats, or one held
  // for a later time (deliver_after), or one already paused or cancelled.
  private static final String SCHEDULED =
      "(recurrence IS NOT NULL OR status IN ('scheduled', 'paused', 'cancelled'))";

  /** The status of a scheduled delivery (see {@link #changeScheduled}) of that session, if any. */
  public static Optional<String> scheduledStatus(Connection c, String sessionId, String messageOutId)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT status FROM deliveries WHERE session_id = ? AND message_out_id = ? AND " + SCHEDULED,
        r -> r.getString(1),
        sessionId,
        messageOutId);
  }

  /** The sessions that have a scheduled delivery with this id (ids are unique per session only). */
  public static List<String> scheduledSessions(Connection c, String messageOutId) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT session_id FROM deliveries WHERE message_out_id = ? AND " + SCHEDULED,
        r -> r.getString(1),
        messageOutId);
  }

  /**
   * Pauses ({@code paused}), resumes ({@code scheduled}) or cancels ({@code cancelled}) a delivery
   * that repeats or waits for a later time, if it is in one of the {@code from} states; returns
   * whether it was.
   */
  public static boolean changeScheduled(
      Connection c, String sessionId, String messageOutId, String to, List<String> from, String now)
      throws SQLException {
    String states = String.join(", ", from.stream().map(f -> "'" + f + "'").toList());
    return Jdbc.update(
            c,
            "UPDATE deliveries SET status = ?,"
                + " finished_at = CASE WHEN ? = 'cancelled' THEN ? ELSE finished_at END"
                + " WHERE session_id = ? AND message_out_id = ? AND " + SCHEDULED
                + " AND status IN (" + states + ")",
            to,
            to,
            now,
            sessionId,
            messageOutId)
        > 0;
  }

  /**
   * Pending deliveries due by {@code now} that head their conversation: no pending row of the same
   * session and chat has a lower seq (so a row waiting on a retry holds back the ones after it).
   */
  public static List<Delivery> due(Connection c, String now, int limit) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM deliveries d WHERE status IN ('pending', 'scheduled')"
            + " AND next_attempt_at <= ?"
            + " AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.session_id = d.session_id"
            + " AND e.channel_type IS d.channel_type AND e.platform_id IS d.platform_id"
            + " AND e.status = 'pending' AND e.seq < d.seq)"
            + " ORDER BY next_attempt_at, seq LIMIT ?",
        Deliveries::map,
        now,
        limit);
  }

  /** The most a single conversation's due replies count in {@link #countDue}. */
  public static final int DUE_PER_CONVERSATION = 20;

  /**
   * How many deliveries are due by {@code now} (the rows {@link #due} walks, those that head their
   * conversation and those that wait behind its head), each conversation counting at most
   * {@link #DUE_PER_CONVERSATION}: replies of one conversation go out one at a time, so a long queue
   * in one chat (an agent's flood, a chat the platform holds back) delays that chat and not the
   * others, and must not make the gateway refuse everyone's messages.
   */
  public static long countDue(Connection c, String now) throws SQLException {
    return Jdbc.queryLong(
        c,
        "SELECT COALESCE(SUM(MIN(n, " + DUE_PER_CONVERSATION + ")), 0) FROM (SELECT count(*) AS n"
            + " FROM deliveries WHERE status IN ('pending', 'scheduled') AND next_attempt_at <= ?"
            + " GROUP BY session_id, channel_type, platform_id)",
        now);
  }

  /**
   * When the earliest pending delivery due after {@code now} falls due, if any. Rows due already are
   * left out: they are in flight, or wait behind a row of their conversation that is.
   */
  public static Optional<String> nextDueAfter(Connection c, String now) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT MIN(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'scheduled')"
            + " AND next_attempt_at > ?",
        r -> r.getString(1),
        now);
  }

  /**
   * Records a delivery. {@code projected} tells whether the session's {@code delivered} table
   * already holds it; when not, {@link #unprojected} lists it until {@link #markProjected}.
   */
  public static void markDelivered(
      Connection c,
      String sessionId,
      String messageOutId,
      String platformMessageId,
      String now,
      boolean projected)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE deliveries SET status = 'delivered', platform_message_id = ?, finished_at = ?,"
            + " attempts = attempts + 1, projected = ? WHERE session_id = ? AND message_out_id = ?",
        platformMessageId,
        now,
        projected ? 1 : 0,
        sessionId,
        messageOutId);
  }

  /** An outcome not yet copied into its session's {@code delivered} table. */
  public record Outcome(
      String messageOutId, String platformMessageId, String status, String finishedAt) {}

  public static List<Outcome> unprojected(Connection c, String sessionId) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT message_out_id, platform_message_id, status, finished_at FROM deliveries"
            + " WHERE session_id = ? AND projected = 0",
        r -> new Outcome(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
        sessionId);
  }

  public static void markProjected(Connection c, String sessionId, List<String> messageOutIds)
      throws SQLException {
    for (String id : messageOutIds) {
      Jdbc.update(
          c,
          "UPDATE deliveries SET projected = 1 WHERE session_id = ? AND message_out_id = ?",
          sessionId,
          id);
    }
  }

  /** Sessions with outcomes still to copy, with their agent group: {@code [session, group]}. */
  public static List<String[]> sessionsWithUnprojected(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT DISTINCT d.session_id, s.agent_group_id FROM deliveries d"
            + " JOIN sessions s ON s.id = d.session_id WHERE d.projected = 0",
        r -> new String[] {r.getString(1), r.getString(2)});
  }

  /** The keys ({@code session|message_out_id}) of every row still pending. */
  public static List<String> pendingKeys(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT session_id || '|' || message_out_id FROM deliveries WHERE status = 'pending'",
        r -> r.getString(1));
  }

  /** The platform message id a delivered outbound row got, from this table. */
  public static Optional<String> platformMessageId(
      Connection c, String sessionId, String messageOutId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT platform_message_id FROM deliveries WHERE session_id = ? AND message_out_id = ?"
            + " AND status = 'delivered' AND platform_message_id IS NOT NULL",
        r -> r.getString(1),
        sessionId,
        messageOutId);
  }

  public static void markFailed(
      Connection c, String sessionId, String messageOutId, String error, String now)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE deliveries SET status = 'failed', last_error = ?, finished_at = ?,"
            + " attempts = attempts + 1 WHERE session_id = ? AND message_out_id = ?",
        error,
        now,
        sessionId,
        messageOutId);
  }

  /** Records a failed attempt and when to try again. */
  public static void retryLater(
      Connection c, String sessionId, String messageOutId, String error, String nextAttemptAt)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
            + " WHERE session_id = ? AND message_out_id = ?",
        error,
        nextAttemptAt,
        sessionId,
        messageOutId);
  }

  /** Moves the next attempt without counting one (the chat's rate limit said wait). */
  public static void postpone(
      Connection c, String sessionId, String messageOutId, String nextAttemptAt)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE deliveries SET next_attempt_at = ? WHERE session_id = ? AND message_out_id = ?",
        nextAttemptAt,
        sessionId,
        messageOutId);
  }

  /** Counts by status, for metrics. */
  public static List<String[]> countsByStatus(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT status, COUNT(*) FROM deliveries GROUP BY status",
        r -> new String[] {r.getString(1), r.getString(2)});
  }

  private static Delivery map(ResultSet r) throws SQLException {
    return new Delivery(
        r.getString(1),
        r.getString(2),
        r.getLong(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9),
        r.getInt(10),
        r.getString(11),
        r.getString(12));
  }
}
