package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Queries on the host's {@code pairing_codes}. */
public final class PairingCodes {
  private PairingCodes() {}

  /** An unused code: which channel it is for and which agent group it pairs with. */
  public record Code(String code, String channelType, String agentGroupId, String expiresAt) {}

  /** Where and by which platform message a code was used. */
  public record Use(String platformId, String messageId) {}

  public static void insert(Connection c, Code code, String now) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO pairing_codes (code, channel_type, agent_group_id, created_at, expires_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        code.code(),
        code.channelType(),
        code.agentGroupId(),
        now,
        code.expiresAt());
  }

  /** The code if it exists for this channel, is unused and has not expired by {@code now}. */
  public static Optional<Code> usable(Connection c, String code, String channelType, String now)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT code, channel_type, agent_group_id, expires_at FROM pairing_codes WHERE code = ?"
            + " AND channel_type = ? AND used_at IS NULL AND expires_at > ?",
        r -> new Code(r.getString(1), r.getString(2), r.getString(3), r.getString(4)),
        code,
        channelType,
        now);
  }

  /** Where the code was used, if it exists for this channel and was used. */
  public static Optional<Use> use(Connection c, String code, String channelType) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT platform_id, message_id FROM pairing_codes WHERE code = ? AND channel_type = ?"
            + " AND used_at IS NOT NULL",
        r -> new Use(r.getString(1), r.getString(2)),
        code,
        channelType);
  }

  public static void markUsed(
      Connection c, String code, String userId, String platformId, String messageId, String now)
      throws SQLException {
    Jdbc.update(
        c,
        "UPDATE pairing_codes SET used_at = ?, used_by = ?, platform_id = ?, message_id = ? WHERE code = ?",
        now,
        userId,
        platformId,
        messageId,
        code);
  }
}
