package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Queries on {@code agent_groups}. */
public final class AgentGroups {
  private static final String COLUMNS =
      "id, name, folder, is_admin, agent_provider, container_config, created_at";

  private AgentGroups() {}

  public static Optional<AgentGroup> byId(Connection c, String id) throws SQLException {
    return Jdbc.queryOne(c, "SELECT " + COLUMNS + " FROM agent_groups WHERE id = ?", AgentGroups::map, id);
  }

  public static Optional<AgentGroup> byFolder(Connection c, String folder) throws SQLException {
    return Jdbc.queryOne(
        c, "SELECT " + COLUMNS + " FROM agent_groups WHERE folder = ?", AgentGroups::map, folder);
  }

  public static List<AgentGroup> list(Connection c) throws SQLException {
    return Jdbc.query(c, "SELECT " + COLUMNS + " FROM agent_groups ORDER BY folder", AgentGroups::map);
  }

  public static void insert(Connection c, AgentGroup group) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO agent_groups (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
        group.id(),
        group.name(),
        group.folder(),
        group.admin() ? 1 : 0,
        group.agentProvider(),
        group.containerConfig(),
        group.createdAt());
  }

  /** Updates name, admin flag, provider and config of the group with this folder. */
  public static void update(Connection c, AgentGroup group) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE agent_groups SET name = ?, is_admin = ?, agent_provider = ?, container_config = ?"
            + " WHERE id = ?",
        group.name(),
        group.admin() ? 1 : 0,
        group.agentProvider(),
        group.containerConfig(),
        group.id());
  }

  /** Whether anything still refers to the group (wirings or sessions). */
  public static boolean inUse(Connection c, String id) throws SQLException {
    return Jdbc.queryLong(
            c,
            "SELECT (SELECT COUNT(*) FROM messaging_group_agents WHERE agent_group_id = ?)"
                + " + (SELECT COUNT(*) FROM channel_default_wirings WHERE agent_group_id = ?)"
                + " + (SELECT COUNT(*) FROM sessions WHERE agent_group_id = ?)",
            id,
            id,
            id)
        > 0;
  }

  public static void delete(Connection c, String id) throws SQLException {
    Jdbc.update(c, "DELETE FROM agent_groups WHERE id = ?", id);
  }

  private static AgentGroup map(ResultSet r) throws SQLException {
    return new AgentGroup(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getInt(4) != 0,
        r.getString(5),
        r.getString(6),
        r.getString(7));
  }
}
