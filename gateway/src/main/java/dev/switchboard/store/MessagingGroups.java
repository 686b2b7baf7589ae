package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Queries on {@code messaging_groups}. */
public final class MessagingGroups {
  private static final String COLUMNS =
      "id, channel_type, platform_id, name, is_group, admin_user_id, created_at";

  private MessagingGroups() {}

  public static Optional<MessagingGroup> find(Connection c, String channelType, String platformId)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM messaging_groups WHERE channel_type = ? AND platform_id = ?",
        MessagingGroups::map,
        channelType,
        platformId);
  }

  public static Optional<MessagingGroup> byId(Connection c, String id) throws SQLException {
    return Jdbc.queryOne(
        c, "SELECT " + COLUMNS + " FROM messaging_groups WHERE id = ?", MessagingGroups::map, id);
  }

  public static List<MessagingGroup> list(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM messaging_groups ORDER BY channel_type, platform_id",
        MessagingGroups::map);
  }

  public static void insert(Connection c, MessagingGroup group) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO messaging_groups (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
        group.id(),
        group.channelType(),
        group.platformId(),
        group.name(),
        group.group() ? 1 : 0,
        group.adminUserId(),
        group.createdAt());
  }

  /** Records what a channel now says about the chat (its name, whether it is a group). */
  public static void updateInfo(Connection c, String id, String name, boolean group)
      throws SQLException {
    Jdbc.update(
        c, "UPDATE messaging_groups SET name = ?, is_group = ? WHERE id = ?", name, group ? 1 : 0, id);
  }

  public static void setAdmin(Connection c, String id, String adminUserId) throws SQLException {
    Jdbc.update(c, "UPDATE messaging_groups SET admin_user_id = ? WHERE id = ?", adminUserId, id);
  }

  private static MessagingGroup map(ResultSet r) throws SQLException {
    return new MessagingGroup(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getInt(5) != 0,
        r.getString(6),
        r.getString(7));
  }
}
