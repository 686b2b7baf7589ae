package dev.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The host's writes and reads of a session's inbound.db. */
public final class InboundRows {
  private InboundRows() {}

  /** A pending row as the supervisor sees it. */
  public record Pending(
      String id, long seq, String processAfter, int tries, String recurrence, String timestamp) {}

  /** A row of {@code destinations}. */
  public record Destination(
      String name,
      String displayName,
      String type,
      String channelType,
      String platformId,
      String agentGroupId) {}

  /**
   * Inserts the row with the next even seq, unless a row for the same message is there already.
   * Returns the id it is stored under, or empty for a redelivery.
   *
   * <p>The id is the platform's message id where possible. Message ids are unique per chat, not
   * across chats, so when a session spans chats and the id is taken by another chat's message, the
   * row is stored under {@code <channel type>:<platform id>:<message id>} instead.
   */
  public static Optional<String> insert(Connection c, InboundRow row) throws SQLException {
    if (tryInsert(c, row)) {
      return Optional.of(row.id());
    }
    boolean sameChat =
        Jdbc.queryOne(
                c,
                "SELECT 1 FROM messages_in WHERE id = ? AND channel_type IS ? AND platform_id IS ?",
                r -> Boolean.TRUE,
                row.id(),
                row.channelType(),
                row.platformId())
            .isPresent();
    if (sameChat) {
      return Optional.empty();
    }
    InboundRow qualified = row.withId(row.channelType() + ":" + row.platformId() + ":" + row.id());
    return tryInsert(c, qualified) ? Optional.of(qualified.id()) : Optional.empty();
  }

  private static boolean tryInsert(Connection c, InboundRow row) throws SQLException {
    long max = Jdbc.queryLong(c, "SELECT COALESCE(MAX(seq), 0) FROM messages_in");
    long seq = max % 2 == 0 ? max + 2 : max + 1;
    return Jdbc.update(
            c,
            "INSERT OR IGNORE INTO messages_in (id, seq, kind, timestamp, status, process_after,"
                + " recurrence, tries, platform_id, channel_type, thread_id, content)"
                + " VALUES (?, ?, ?, ?, 'pending', ?, ?, 0, ?, ?, ?, ?)",
            row.id(),
            seq,
            row.kind(),
            row.timestamp(),
            row.processAfter(),
            row.recurrence(),
            row.platformId(),
            row.channelType(),
            row.threadId(),
            row.content())
        == 1;
  }

  public static List<Pending> pending(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT id, seq, process_after, COALESCE(tries, 0), recurrence, timestamp FROM messages_in"
            + " WHERE status = 'pending' ORDER BY seq",
        r -> new Pending(r.getString(1), r.getLong(2), r.getString(3), r.getInt(4), r.getString(5), r.getString(6)));
  }

  public static void setStatus(Connection c, String id, String status) throws SQLException {
    Jdbc.update(c, "UPDATE messages_in SET status = ? WHERE id = ?", status, id);
  }

  /** Where a row came from: its kind and routing columns. */
  public record Origin(String kind, String channelType, String platformId, String threadId) {}

  public static Optional<Origin> origin(Connection c, String id) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT kind, channel_type, platform_id, thread_id FROM messages_in WHERE id = ?",
        r -> new Origin(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
        id);
  }

  /** Gives a row up after its agent failed on it {@code tries} times. */
  public static void failAfterTries(Connection c, String id, int tries) throws SQLException {
    Jdbc.update(c, "UPDATE messages_in SET status = 'failed', tries = ? WHERE id = ?", tries, id);
  }

  /** Counts a retry of a row the agent died on, and delays it. */
  public static void retryLater(Connection c, String id, int tries, String processAfter)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE messages_in SET tries = ?, process_after = ? WHERE id = ?",
        tries,
        processAfter,
        id);
  }

  /** Sets the session's default chat and thread; writes nothing when they are unchanged. */
  public static void writeRouting(
      Connection c, String channelType, String platformId, String threadId) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO session_routing (id, channel_type, platform_id, thread_id) VALUES (1, ?, ?, ?)"
            + " ON CONFLICT(id) DO UPDATE SET channel_type = excluded.channel_type,"
            + " platform_id = excluded.platform_id, thread_id = excluded.thread_id"
            + " WHERE channel_type IS NOT excluded.channel_type"
            + " OR platform_id IS NOT excluded.platform_id OR thread_id IS NOT excluded.thread_id",
        channelType,
        platformId,
        threadId);
  }

  /**
   * Makes the {@code destinations} table hold exactly {@code destinations} (by name, the last of a
   * name winning), touching only the rows that differ. The list is rewritten on every agent start,
   * and an agent group wired to every chat of a channel has as many destinations as the channel has
   * chats: unchanged, it costs one read and no write.
   */
  public static void writeDestinations(Connection c, List<Destination> destinations)
      throws SQLException {
    Map<String, Destination> wanted = new LinkedHashMap<>();
    for (Destination d : destinations) {
      wanted.put(d.name(), d);
    }
    Map<String, Destination> current = new HashMap<>();
    for (Destination d :
        Jdbc.query(
            c,
            "SELECT name, display_name, type, channel_type, platform_id, agent_group_id"
                + " FROM destinations",
            r ->
                new Destination(
                    r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                    r.getString(5), r.getString(6)))) {
      current.put(d.name(), d);
    }
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM destinations WHERE name = ?")) {
      for (String name : current.keySet()) {
        if (!wanted.containsKey(name)) {
          delete.setString(1, name);
          delete.addBatch();
        }
      }
      delete.executeBatch();
    }
    try (PreparedStatement upsert =
        c.prepareStatement(
            "INSERT OR REPLACE INTO destinations (name, display_name, type, channel_type,"
                + " platform_id, agent_group_id) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Destination d : wanted.values()) {
        if (d.equals(current.get(d.name()))) {
          continue;
        }
        upsert.setString(1, d.name());
        upsert.setString(2, d.displayName());
        upsert.setString(3, d.type());
        upsert.setString(4, d.channelType());
        upsert.setString(5, d.platformId());
        upsert.setString(6, d.agentGroupId());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  /** The session's default chat and thread, as last written to {@code session_routing}. */
  public record Routing(String channelType, String platformId, String threadId) {}

  public static Optional<Routing> routing(Connection c) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT channel_type, platform_id, thread_id FROM session_routing WHERE id = 1",
        r -> new Routing(r.getString(1), r.getString(2), r.getString(3)));
  }

  /** The id of the inbound row with this seq. */
  public static Optional<String> idOfSeq(Connection c, long seq) throws SQLException {
    return Jdbc.queryOne(c, "SELECT id FROM messages_in WHERE seq = ?", r -> r.getString(1), seq);
  }

  public static boolean isFinished(Connection c, String messageOutId) throws SQLException {
    return Jdbc.queryOne(
            c, "SELECT 1 FROM delivered WHERE message_out_id = ?", r -> Boolean.TRUE, messageOutId)
        .isPresent();
  }

  /** The outcome of an outbound row the host has finished with, from {@code delivered}. */
  public record Finished(String status, String platformMessageId) {}

  public static Optional<Finished> finished(Connection c, String messageOutId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT status, platform_message_id FROM delivered WHERE message_out_id = ?",
        r -> new Finished(r.getString(1), r.getString(2)),
        messageOutId);
  }

  /** Records the outcome of an outbound row ({@code delivered} or {@code failed}). */
  public static void recordDelivered(
      Connection c, String messageOutId, String platformMessageId, String status, String now)
      throws SQLException {
    Jdbc.update(
        c,
        "INSERT OR REPLACE INTO delivered (message_out_id, platform_message_id, status,"
            + " delivered_at) VALUES (?, ?, ?, ?)",
        messageOutId,
        platformMessageId,
        status,
        now);
  }

  /** The platform message id an earlier outbound row was delivered as, for edits and reactions. */
  public static Optional<String> platformMessageIdOfSeq(
      Connection inbound, String messageOutId) throws SQLException {
    return Jdbc.queryOne(
        inbound,
        "SELECT platform_message_id FROM delivered WHERE message_out_id = ? AND status = 'delivered'",
        r -> r.getString(1),
        messageOutId);
  }
}
