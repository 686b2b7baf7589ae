package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Queries on the host's {@code session_work}: per-session progress and pending-work flags. */
public final class SessionWork {
  private SessionWork() {}

  /**
   * Marks that inbound work may be waiting (the flag counts up, so a sync can tell whether a
   * message arrived while it ran). Written before the inbound row itself, so that a crash
   * between the two leaves a flag that is merely spurious, never a row nobody wakes an agent for.
   */
  public static void markPending(Connection c, String sessionId) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO session_work (session_id, inbound_pending) VALUES (?, 1)"
            + " ON CONFLICT(session_id) DO UPDATE SET inbound_pending = inbound_pending + 1",
        sessionId);
  }

  /**
   * Records that no due inbound work is left ({@code wakeAt}: when the next row falls due), unless
   * the flag moved past {@code generation} meanwhile (a newer message arrived).
   */
  public static void markIdle(Connection c, String sessionId, String wakeAt, long generation)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE session_work SET inbound_pending = 0, wake_at = ?"
            + " WHERE session_id = ? AND inbound_pending = ?",
        wakeAt,
        sessionId,
        generation);
  }

  /**
   * Sessions that may have inbound work waiting, or scheduled work due by {@code now} (a time of
   * {@link Times#format}, as every {@code wake_at} is). Asked every second, so each half reads
   * through an index and the cost follows the sessions with work, never the number of sessions.
   */
  public static List<String> withWork(Connection c, String now) throws SQLException {
    // UNION ALL, made distinct here: a plain UNION lets SQLite merge both halves in session order,
    // walking the primary key over every session.
    return Jdbc.query(c, WITH_WORK, r -> r.getString(1), now).stream().distinct().toList();
  }

  static final String WITH_WORK =
      "SELECT session_id FROM session_work WHERE inbound_pending > 0 UNION ALL"
          + " SELECT session_id FROM session_work WHERE wake_at IS NOT NULL AND wake_at <= ?";

  /** Makes the session due at {@code at} at the latest (an earlier wake time is kept). */
  public static void scheduleWake(Connection c, String sessionId, String at) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO session_work (session_id, wake_at) VALUES (?, ?) ON CONFLICT(session_id)"
            + " DO UPDATE SET wake_at = CASE WHEN wake_at IS NULL OR datetime(wake_at) > datetime(excluded.wake_at)"
            + " THEN excluded.wake_at ELSE wake_at END",
        sessionId,
        at);
  }

  /** Whether inbound work of the session may be unfinished. */
  public static boolean hasWork(Connection c, String sessionId) throws SQLException {
    return Jdbc.queryLong(c, "SELECT inbound_pending FROM session_work WHERE session_id = ?", sessionId) > 0;
  }

  public static long outboundSeq(Connection c, String sessionId) throws SQLException {
    return Jdbc.queryLong(
        c, "SELECT outbound_seq FROM session_work WHERE session_id = ?", sessionId);
  }

  public static void setOutboundSeq(Connection c, String sessionId, long seq) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO session_work (session_id, outbound_seq) VALUES (?, ?)"
            + " ON CONFLICT(session_id) DO UPDATE SET"
            + " outbound_seq = MAX(outbound_seq, excluded.outbound_seq)",
        sessionId,
        seq);
  }
}
