package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Queries on {@code pending_questions} and the host's {@code question_details}. */
public final class Questions {
  private Questions() {}

  /** A question waiting for its answer. {@code options} is a JSON array of {label, value}. */
  public record Pending(
      String questionId,
      String sessionId,
      String messageOutId,
      String platformId,
      String channelType,
      String threadId,
      String createdAt,
      String options,
      boolean asText) {}

  private static final String SELECT =
      "SELECT q.question_id, q.session_id, q.message_out_id, q.platform_id, q.channel_type,"
          + " q.thread_id, q.created_at, COALESCE(d.options, '[]'), COALESCE(d.as_text, 0)"
          + " FROM pending_questions q LEFT JOIN question_details d ON d.question_id = q.question_id";

  public static void insert(Connection c, Pending q) throws SQLException {
    Jdbc.update(
        c,
        "INSERT OR REPLACE INTO pending_questions (question_id, session_id, message_out_id,"
            + " platform_id, channel_type, thread_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        q.questionId(),
        q.sessionId(),
        q.messageOutId(),
        q.platformId(),
        q.channelType(),
        q.threadId(),
        q.createdAt());
    Jdbc.update(
        c,
        "INSERT OR REPLACE INTO question_details (question_id, options, as_text) VALUES (?, ?, ?)",
        q.questionId(),
        q.options(),
        q.asText() ? 1 : 0);
  }

  public static Optional<Pending> find(Connection c, String questionId) throws SQLException {
    return Jdbc.queryOne(c, SELECT + " WHERE q.question_id = ?", Questions::map, questionId);
  }

  /**
   * The newest question sent as numbered text that a reply in this chat and thread answers: one
   * asked in that thread, or else one asked in the chat outside any thread.
   */
  public static Optional<Pending> latestAsText(
      Connection c, String channelType, String platformId, String threadId) throws SQLException {
    return Jdbc.queryOne(
        c,
        SELECT + " WHERE q.channel_type = ? AND q.platform_id = ? AND d.as_text = 1"
            + " AND (q.thread_id IS ? OR q.thread_id IS NULL)"
            + " ORDER BY q.thread_id IS ? DESC, q.created_at DESC LIMIT 1",
        Questions::map,
        channelType,
        platformId,
        threadId,
        threadId);
  }

  /** Removes the pending question and records who answered it, for recognising redeliveries. */
  public static void answered(Connection c, String questionId, String answerId, String now)
      throws SQLException {
    Jdbc.update(c, "DELETE FROM pending_questions WHERE question_id = ?", questionId);
    Jdbc.update(
        c,
        "UPDATE question_details SET answer_id = ?, answered_at = ? WHERE question_id = ?",
        answerId,
        now,
        questionId);
  }

  /** The answer id a question was answered with, if it was answered (an expired one was not). */
  public static Optional<String> answerId(Connection c, String questionId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT answer_id FROM question_details WHERE question_id = ? AND answer_id IS NOT NULL",
        r -> r.getString(1),
        questionId);
  }

  /**
   * Closes the questions asked before {@code askedBefore} that nobody answered, as an answer after
   * their expiry does, and forgets the details of questions closed before {@code closedBefore} (kept
   * until then to recognise a redelivered answer). Returns how many questions it closed.
   */
  public static int expire(Connection c, String askedBefore, String closedBefore, String now)
      throws SQLException {
    int closed =
        Jdbc.update(
            c,
            "UPDATE question_details SET answered_at = ? WHERE answered_at IS NULL AND question_id IN"
                + " (SELECT question_id FROM pending_questions WHERE created_at < ?)",
            now,
            askedBefore);
    Jdbc.update(c, "DELETE FROM pending_questions WHERE created_at < ?", askedBefore);
    Jdbc.update(
        c,
        "DELETE FROM question_details WHERE answered_at < ?"
            + " AND question_id NOT IN (SELECT question_id FROM pending_questions)",
        closedBefore);
    return closed;
  }

  private static Pending map(java.sql.ResultSet r) throws SQLException {
    return new Pending(
        r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getString(7), r.getString(8), r.getInt(9) != 0);
  }
}
