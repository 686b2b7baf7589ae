package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The host's reads of a session's outbound.db (opened read-only). */
public final class OutboundRows {
  private OutboundRows() {}

  /** Rows above {@code seq}, in seq order; uses the unique index on seq, never a full scan. */
  public static List<OutboundRow> after(Connection c, long seq, int limit) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT id, seq, in_reply_to, timestamp, deliver_after, recurrence, kind, platform_id,"
            + " channel_type, thread_id, content FROM messages_out WHERE seq > ? ORDER BY seq LIMIT ?",
        r ->
            new OutboundRow(
                r.getString(1),
                r.getLong(2),
                r.getString(3),
                r.getString(4),
                r.getString(5),
                r.getString(6),
                r.getString(7),
                r.getString(8),
                r.getString(9),
                r.getString(10),
                r.getString(11)),
        seq,
        limit);
  }

  /** The agent's acks for these inbound ids (by primary key), as id → status. */
  public static Map<String, String> acks(Connection c, List<String> ids) throws SQLException {
    Map<String, String> result = new HashMap<>();
    for (int from = 0; from < ids.size(); from += 500) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
      Jdbc.query(
              c,
              "SELECT message_id, status FROM processing_ack WHERE message_id IN (" + marks + ")",
              r -> Map.entry(r.getString(1), r.getString(2)),
              chunk.toArray())
          .forEach(e -> result.put(e.getKey(), e.getValue()));
    }
    return result;
  }

  /** The seq of an outbound row by id, for edits and reactions that name a message by seq. */
  public static Optional<String> idOfSeq(Connection c, long seq) throws SQLException {
    return Jdbc.queryOne(c, "SELECT id FROM messages_out WHERE seq = ?", r -> r.getString(1), seq);
  }
}
