package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Queries on {@code sessions}. */
public final class Sessions {
  private static final String COLUMNS =
      "id, agent_group_id, messaging_group_id, thread_id, agent_provider, status,"
          + " container_status, last_active, created_at";

  private Sessions() {}

  public static Optional<Session> byId(Connection c, String id) throws SQLException {
    return Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM sessions WHERE id = ?", Sessions::map, id);
  }

  /**
   * The active session of an agent group in a chat and thread ({@code threadId} null: the chat's
   * shared session), or of the agent group across all chats ({@code messagingGroupId} null).
   */
  public static Optional<Session> findActive(
      Connection c, String agentGroupId, String messagingGroupId, String threadId)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM sessions WHERE agent_group_id = ? AND status = 'active'"
            + " AND messaging_group_id IS ? AND thread_id IS ? ORDER BY created_at LIMIT 1",
        Sessions::map,
        agentGroupId,
        messagingGroupId,
        threadId);
  }

  public static void insert(Connection c, Session s) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.id(),
        s.agentGroupId(),
        s.messagingGroupId(),
        s.threadId(),
        s.agentProvider(),
        s.status(),
        s.containerStatus(),
        s.lastActive(),
        s.createdAt());
  }

  public static List<Session> list(Connection c) throws SQLException {
    return Jdbc.query(c, "SELECT " + COLUMNS + " FROM sessions ORDER BY created_at", Sessions::map);
  }

  public static List<Session> withContainerStatus(Connection c, String containerStatus)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM sessions WHERE container_status = ?",
        Sessions::map,
        containerStatus);
  }

  public static void setContainerStatus(Connection c, String id, String containerStatus)
      throws SQLException {
    Jdbc.update(c, "UPDATE sessions SET container_status = ? WHERE id = ?", containerStatus, id);
  }

  public static void touch(Connection c, String id, String now) throws SQLException {
    Jdbc.update(c, "UPDATE sessions SET last_active = ? WHERE id = ?", now, id);
  }

  private static Session map(ResultSet r) throws SQLException {
    return new Session(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getString(7),
        r.getString(8),
        r.getString(9));
  }
}
