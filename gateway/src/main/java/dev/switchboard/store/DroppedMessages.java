package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Queries on the host's {@code dropped_messages}: inbound that no wiring took. */
public final class DroppedMessages {
  private DroppedMessages() {}

  /** One dropped message, as the CLI lists it. */
  public record Dropped(
      String channelType,
      String platformId,
      String messageId,
      String senderId,
      String reason,
      String createdAt) {}

  /** Records the drop; returns false if this message was recorded before (a redelivery). */
  public static boolean record(
      Connection c,
      String channelType,
      String platformId,
      String threadId,
      String messageId,
      String senderId,
      String reason,
      String content,
      String now)
      throws SQLException {
    return Jdbc.update(
            c,
            "INSERT OR IGNORE INTO dropped_messages (channel_type, platform_id, message_id,"
                + " thread_id, sender_id, reason, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            channelType,
            platformId,
            messageId,
            threadId,
            senderId,
            reason,
            content,
            now)
        == 1;
  }

  public static List<Dropped> recent(Connection c, int limit) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT channel_type, platform_id, message_id, sender_id, reason, created_at"
            + " FROM dropped_messages ORDER BY created_at DESC LIMIT ?",
        r ->
            new Dropped(
                r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6)),
        limit);
  }
}
