package dev.switchboard.delivery;

import dev.switchboard.store.Jdbc;
import dev.switchboard.store.Session;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where a session's agent may send. A chat: one its agent group is wired to, the session's own
 * chat, or one the group's destination list adds. Another agent group: one the destination list
 * names, or the one whose session asked this session (a reply goes back to whoever asked).
 */
final class Permissions {
  private Permissions() {}

  static boolean mayMessageChat(Connection c, Session session, String channelType, String platformId)
      throws SQLException {
    return Jdbc.queryOne(
            c,
            "SELECT 1 FROM messaging_group_agents w JOIN messaging_groups m ON m.id = w.messaging_group_id"
                + " WHERE w.agent_group_id = ? AND m.channel_type = ? AND m.platform_id = ?"
                + " UNION ALL SELECT 1 FROM destination_acl WHERE agent_group_id = ? AND type = 'channel'"
                + " AND channel_type = ? AND platform_id = ?"
                + " UNION ALL SELECT 1 FROM messaging_groups WHERE id = ? AND channel_type = ? AND platform_id = ?"
                + " LIMIT 1",
            r -> Boolean.TRUE,
            session.agentGroupId(), channelType, platformId,
            session.agentGroupId(), channelType, platformId,
            session.messagingGroupId(), channelType, platformId)
        .isPresent();
  }

  /**
   * @param targetGroupId the agent group written to
   * @param threadId the row's thread: the asking session's id when this is a reply
   */
  static boolean mayMessageAgent(Connection c, Session session, String targetGroupId, String threadId)
      throws SQLException {
    boolean listed =
        Jdbc.queryOne(
                c,
                "SELECT 1 FROM destination_acl WHERE agent_group_id = ? AND type = 'agent'"
                    + " AND target_agent_group_id = ?",
                r -> Boolean.TRUE,
                session.agentGroupId(),
                targetGroupId)
            .isPresent();
    boolean replyToAsker =
        threadId != null
            && ("agent:" + threadId).equals(session.threadId())
            && Jdbc.queryOne(
                    c,
                    "SELECT 1 FROM sessions WHERE id = ? AND agent_group_id = ?",
                    r -> Boolean.TRUE,
                    threadId,
                    targetGroupId)
                .isPresent();
    return listed || replyToAsker;
  }
}
