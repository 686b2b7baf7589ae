package dev.switchboard.agents;

import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.InboundRows.Destination;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.MessagingGroup;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code destinations} an agent sees: every chat its agent group is wired to, named so that an
 * agent can pick one ({@code <channel>-<chat name or id>}, made unique).
 */
final class Destinations {
  // Compiled once: a group wired to every chat of a channel names thousands of chats per start.
  private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
  private static final Pattern EDGE_DASHES = Pattern.compile("(^-+|-+$)");

  private Destinations() {}

  /**
   * The chats a session's agent is shown: those its group is wired to, except that a channel the
   * group is wired to with {@code *} contributes only the session's own chat. Such a channel's chats
   * are whoever writes to the bot; listing each of them in every other session would make every
   * session's start cost grow with the number of chats (and show one user's chat to another's
   * agent). An agent-shared session (no chat of its own) is shown them all.
   */
  static List<MessagingGroup> wiredChats(Connection c, String agentGroupId, String ownChatId)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT m.id, m.channel_type, m.platform_id, m.name, m.is_group, m.admin_user_id,"
            + " m.created_at FROM messaging_groups m JOIN messaging_group_agents w"
            + " ON w.messaging_group_id = m.id WHERE w.agent_group_id = ?"
            + " AND (? IS NULL OR m.id = ? OR NOT EXISTS (SELECT 1 FROM channel_default_wirings d"
            + " WHERE d.agent_group_id = w.agent_group_id AND d.channel_type = m.channel_type))"
            + " ORDER BY m.created_at",
        r ->
            new MessagingGroup(
                r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getInt(5) != 0,
                r.getString(6), r.getString(7)),
        agentGroupId,
        ownChatId,
        ownChatId);
  }

  /** The agent group's wired chats and the destinations its ACL adds (other chats, other agents). */
  static List<Destination> of(List<MessagingGroup> chats, List<DestinationAcl.Entry> acl) {
    List<Destination> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (DestinationAcl.Entry entry : acl) {
      names.add(entry.name());
      result.add(
          new Destination(
              entry.name(),
              entry.name(),
              entry.type(),
              entry.channelType(),
              entry.platformId(),
              entry.targetAgentGroupId()));
    }
    for (MessagingGroup chat : chats) {
      String base = slug(chat.channelType() + "-" + (chat.name() != null ? chat.name() : chat.platformId()));
      boolean listed =
          acl.stream().anyMatch(e -> chat.channelType().equals(e.channelType()) && chat.platformId().equals(e.platformId()));
      if (listed) {
        continue;
      }
      String name = base;
      for (int i = 2; !names.add(name); i++) {
        name = base + "-" + i;
      }
      result.add(
          new Destination(
              name,
              chat.name() != null ? chat.name() : chat.platformId(),
              "channel",
              chat.channelType(),
              chat.platformId(),
              null));
    }
    return result;
  }

  private static String slug(String text) {
    String slug =
        EDGE_DASHES.matcher(NOT_SLUG.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
    return slug.isEmpty() ? "chat" : slug;
  }
}
