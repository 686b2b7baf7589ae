package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Queries on the host's {@code destination_acl} (where an agent group may send besides its wired
 * chats) and on the routing version that tells a running gateway to rewrite destinations.
 */
public final class DestinationAcl {
  private DestinationAcl() {}

  /** One allowed destination: a chat ({@code channel}) or another agent group ({@code agent}). */
  public record Entry(
      String agentGroupId,
      String name,
      String type,
      String channelType,
      String platformId,
      String targetAgentGroupId) {}

  public static List<Entry> forGroup(Connection c, String agentGroupId) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT agent_group_id, name, type, channel_type, platform_id, target_agent_group_id"
            + " FROM destination_acl WHERE agent_group_id = ? ORDER BY name",
        r -> new Entry(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6)),
        agentGroupId);
  }

  public static void put(Connection c, Entry entry, String now) throws SQLException {
    Jdbc.update(
        c,
        "INSERT OR REPLACE INTO destination_acl (agent_group_id, name, type, channel_type,"
            + " platform_id, target_agent_group_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        entry.agentGroupId(),
        entry.name(),
        entry.type(),
        entry.channelType(),
        entry.platformId(),
        entry.targetAgentGroupId(),
        now);
    bumpRoutingVersion(c);
  }

  public static int remove(Connection c, String agentGroupId, String name) throws SQLException {
    int removed =
        Jdbc.update(
            c, "DELETE FROM destination_acl WHERE agent_group_id = ? AND name = ?", agentGroupId, name);
    bumpRoutingVersion(c);
    return removed;
  }

  /** Counts a change to wirings or destinations. */
  public static void bumpRoutingVersion(Connection c) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE host_state SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'routing_version'");
  }

  public static long routingVersion(Connection c) throws SQLException {
    return Jdbc.queryLong(c, "SELECT CAST(value AS INTEGER) FROM host_state WHERE key = 'routing_version'");
  }
}
