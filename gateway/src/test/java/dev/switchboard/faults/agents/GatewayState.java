package dev.switchboard.faults.agents;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * What the gateway wrote, read from its files the way an operator would: the central database and
 * the session folders, opened read-only for one look each.
 */
final class GatewayState {
  private final Path dataDir;

  GatewayState(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** The session of an agent group (each group of the scenario has one chat, so one session). */
  record SessionRef(String id, String groupId, Path dir) {}

  /** A row of {@code messages_in} as the host keeps it. */
  record InboundState(String status, int tries, String processAfter) {}

  Optional<SessionRef> session(String folder) {
    return query(
        dataDir.resolve("switchboard.db"),
        "SELECT s.id, s.agent_group_id FROM sessions s JOIN agent_groups g ON g.id = s.agent_group_id"
            + " WHERE g.folder = ? ORDER BY s.created_at LIMIT 1",
        r -> {
          String id = r.getString(1);
          String group = r.getString(2);
          return new SessionRef(id, group, dataDir.resolve("sessions").resolve(group).resolve(id));
        },
        folder);
  }

  /** A session's agent as the central database shows it. */
  record AgentState(String containerStatus, String ref) {}

  /** By agent group folder: the container status and running agent's ref of its (first) session. */
  java.util.Map<String, AgentState> agents() {
    java.util.Map<String, AgentState> result = new java.util.HashMap<>();
    Path db = dataDir.resolve("switchboard.db");
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        PreparedStatement p =
            c.prepareStatement(
                "SELECT g.folder, s.container_status, r.ref FROM sessions s"
                    + " JOIN agent_groups g ON g.id = s.agent_group_id"
                    + " LEFT JOIN agent_runs r ON r.session_id = s.id");
        ResultSet r = p.executeQuery()) {
      while (r.next()) {
        result.putIfAbsent(r.getString(1), new AgentState(r.getString(2), r.getString(3)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading " + db + ": " + e.getMessage(), e);
    }
    return result;
  }

  /** The agent the gateway last recorded as running the session (its provider's ref), if any. */
  Optional<String> agentRef(String sessionId) {
    return query(
        dataDir.resolve("switchboard.db"),
        "SELECT ref FROM agent_runs WHERE session_id = ?",
        r -> r.getString(1),
        sessionId);
  }

  Optional<String> containerStatus(String sessionId) {
    return query(
        dataDir.resolve("switchboard.db"),
        "SELECT container_status FROM sessions WHERE id = ?",
        r -> r.getString(1),
        sessionId);
  }

  Optional<InboundState> inbound(SessionRef session, String messageId) {
    return query(
        session.dir().resolve("inbound.db"),
        "SELECT status, COALESCE(tries, 0), process_after FROM messages_in WHERE id = ?",
        r -> new InboundState(r.getString(1), r.getInt(2), r.getString(3)),
        messageId);
  }

  /** The outcome the host recorded in {@code delivered} for the outbound row of {@code seq}. */
  Optional<String> deliveredStatusOfSeq(SessionRef session, long seq) {
    Optional<String> id =
        query(session.dir().resolve("outbound.db"), "SELECT id FROM messages_out WHERE seq = ?",
            r -> r.getString(1), seq);
    return id.flatMap(
        outId ->
            query(session.dir().resolve("inbound.db"),
                "SELECT status FROM delivered WHERE message_out_id = ?", r -> r.getString(1), outId));
  }

  long count(Path db, String sql, Object... args) {
    return query(db, sql, r -> r.getLong(1), args).orElse(0L);
  }

  interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  /** One query on a fresh read-only connection; empty when the file or the row is not there. */
  <T> Optional<T> query(Path db, String sql, Row<T> row, Object... args) {
    if (!Files.exists(db)) {
      return Optional.empty();
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(5000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db, config.toProperties());
        PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.ofNullable(row.read(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading " + db + ": " + e.getMessage(), e);
    }
  }
}
