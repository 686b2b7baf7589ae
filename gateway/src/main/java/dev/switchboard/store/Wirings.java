package dev.switchboard.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Queries on {@code messaging_group_agents} and the host's {@code channel_default_wirings}. */
public final class Wirings {
  private static final String COLUMNS =
      "id, messaging_group_id, agent_group_id, trigger_rules, response_scope, session_mode,"
          + " priority, created_at";
  private static final String DEFAULT_COLUMNS =
      "id, NULL, agent_group_id, trigger_rules, response_scope, session_mode, priority, created_at";

  private Wirings() {}

  /** The chat's wirings, highest priority first (ties: oldest first). */
  public static List<Wiring> forMessagingGroup(Connection c, String messagingGroupId)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + COLUMNS + " FROM messaging_group_agents WHERE messaging_group_id = ?"
            + " ORDER BY priority DESC, created_at, id",
        Wirings::map,
        messagingGroupId);
  }

  public static List<Wiring> list(Connection c) throws SQLException {
    return Jdbc.query(
        c, "SELECT " + COLUMNS + " FROM messaging_group_agents ORDER BY created_at", Wirings::map);
  }

  /** Inserts the wiring, or replaces the rules of the existing one for the same pair. */
  public static void upsert(Connection c, Wiring wiring) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO messaging_group_agents (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(messaging_group_id, agent_group_id) DO UPDATE SET"
            + " trigger_rules = excluded.trigger_rules, response_scope = excluded.response_scope,"
            + " session_mode = excluded.session_mode, priority = excluded.priority",
        wiring.id(),
        wiring.messagingGroupId(),
        wiring.agentGroupId(),
        wiring.triggerRules(),
        wiring.responseScope(),
        wiring.sessionMode(),
        wiring.priority(),
        wiring.createdAt());
  }

  public static int delete(Connection c, String messagingGroupId, String agentGroupId)
      throws SQLException {
    return Jdbc.update(
        c,
        "DELETE FROM messaging_group_agents WHERE messaging_group_id = ? AND agent_group_id = ?",
        messagingGroupId,
        agentGroupId);
  }

  /** The wirings every new chat of this channel gets, highest priority first. */
  public static List<Wiring> defaultsFor(Connection c, String channelType) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT " + DEFAULT_COLUMNS + " FROM channel_default_wirings WHERE channel_type = ?"
            + " ORDER BY priority DESC, created_at, id",
        Wirings::map,
        channelType);
  }

  public static List<String[]> listDefaults(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT channel_type, agent_group_id, session_mode, priority, response_scope,"
            + " COALESCE(trigger_rules, '') FROM channel_default_wirings ORDER BY channel_type",
        r ->
            new String[] {
              r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
              r.getString(6)
            });
  }

  public static void upsertDefault(Connection c, String channelType, Wiring wiring)
      throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO channel_default_wirings (id, channel_type, agent_group_id, trigger_rules,"
            + " response_scope, session_mode, priority, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(channel_type, agent_group_id) DO UPDATE SET"
            + " trigger_rules = excluded.trigger_rules, response_scope = excluded.response_scope,"
            + " session_mode = excluded.session_mode, priority = excluded.priority",
        wiring.id(),
        channelType,
        wiring.agentGroupId(),
        wiring.triggerRules(),
        wiring.responseScope(),
        wiring.sessionMode(),
        wiring.priority(),
        wiring.createdAt());
  }

  public static int deleteDefault(Connection c, String channelType, String agentGroupId)
      throws SQLException {
    return Jdbc.update(
        c,
        "DELETE FROM channel_default_wirings WHERE channel_type = ? AND agent_group_id = ?",
        channelType,
        agentGroupId);
  }

  private static Wiring map(ResultSet r) throws SQLException {
    return new Wiring(
        r.getString(1),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getString(5),
        r.getString(6),
        r.getInt(7),
        r.getString(8));
  }
}
