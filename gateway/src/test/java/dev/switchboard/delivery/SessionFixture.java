package dev.switchboard.delivery;

import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Ids;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * A data folder in a temporary directory: the real central database and session files, rows made
 * through the store classes, and an agent's side of the session files (outbound.db) written with
 * plain JDBC, as an agent would.
 */
public final class SessionFixture implements AutoCloseable {
  private final Path dataDir;
  private CentralDb central;
  private SessionFiles files;

  public SessionFixture(Path dataDir) {
    this.dataDir = dataDir;
    this.central = CentralDb.open(dataDir.resolve("switchboard.db"));
    this.files = new SessionFiles(dataDir);
  }

  public CentralDb central() {
    return central;
  }

  public SessionFiles files() {
    return files;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Closes and opens the central database and session files again, as a restarted host would. */
  public void reopen() {
    central.close();
    central = CentralDb.open(dataDir.resolve("switchboard.db"));
    files = new SessionFiles(dataDir);
  }

  public String agentGroup(String id, String provider) {
    central.write(
        c -> {
          AgentGroups.insert(c, new AgentGroup(id, "Agent " + id, id, false, provider, null, now()));
          return null;
        });
    return id;
  }

  public String messagingGroup(String channelType, String platformId) {
    String id = Ids.newId("mg");
    central.write(
        c -> {
          MessagingGroups.insert(
              c, new MessagingGroup(id, channelType, platformId, null, false, null, now()));
          return null;
        });
    return id;
  }

  /** A session row and its folder with both databases. */
  public String session(String agentGroupId, String messagingGroupId) {
    String id = Ids.newId("sess");
    central.write(
        c -> {
          Sessions.insert(
              c,
              new Session(
                  id, agentGroupId, messagingGroupId, null, null, "active", "stopped", now(), now()));
          return null;
        });
    files.ensure(agentGroupId, id);
    return id;
  }

  public Path dir(String sessionId) {
    Session s = central.read(c -> Sessions.byId(c, sessionId)).orElseThrow();
    return files.dir(s.agentGroupId(), sessionId);
  }

  /**
   * Sets the session's default chat, and lets its agent group send there (the gateway only ever
   * writes a chat the group may use into {@code session_routing}).
   */
  public void routing(String sessionId, String channelType, String platformId, String threadId) {
    allow(sessionId, channelType, platformId);
    files.writeInbound(
        dir(sessionId),
        c -> {
          InboundRows.writeRouting(c, channelType, platformId, threadId);
          return null;
        });
  }

  /** An inbound chat row, stored the way the router stores one (pending flag first). */
  public String inboundChat(String sessionId, String id, String text) {
    return inbound(
        sessionId,
        new InboundRow(
            id,
            "chat",
            now(),
            null,
            null,
            "chan-1",
            "discord",
            null,
            "{\"text\":\"" + text + "\",\"sender\":\"Ann\",\"senderId\":\"u1\"}"));
  }

  /**
   * An inbound chat row without the session's pending flag, so that nothing but an explicit wake
   * tells a supervisor about it.
   */
  public String inboundChatUnflagged(String sessionId, String id, String text) {
    InboundRow row =
        new InboundRow(
            id, "chat", now(), null, null, "chan-1", "discord", null,
            "{\"text\":\"" + text + "\",\"sender\":\"Ann\",\"senderId\":\"u1\"}");
    return files.writeInbound(dir(sessionId), c -> InboundRows.insert(c, row)).orElseThrow();
  }

  public String inbound(String sessionId, InboundRow row) {
    central.write(
        c -> {
          SessionWork.markPending(c, sessionId);
          return null;
        });
    return files.writeInbound(dir(sessionId), c -> InboundRows.insert(c, row)).orElseThrow();
  }

  /** An agent's outbound row. */
  public record Out(
      String id,
      long seq,
      String kind,
      String content,
      String channelType,
      String platformId,
      String threadId,
      String inReplyTo,
      String deliverAfter) {

    public static Out chat(String id, long seq, String content) {
      return new Out(id, seq, "chat", content, null, null, null, null, null);
    }

    public static Out text(String id, long seq, String text) {
      return chat(id, seq, "{\"text\":\"" + text + "\"}");
    }

    public Out to(String channel, String platform) {
      return new Out(id, seq, kind, content, channel, platform, threadId, inReplyTo, deliverAfter);
    }

    public Out kind(String newKind) {
      return new Out(id, seq, newKind, content, channelType, platformId, threadId, inReplyTo, deliverAfter);
    }

    public Out replyTo(String inboundId) {
      return new Out(id, seq, kind, content, channelType, platformId, threadId, inboundId, deliverAfter);
    }
  }

  /**
   * Writes rows into the session's outbound.db in one transaction, with plain JDBC. A chat a row
   * names explicitly is added to the agent group's destinations first, as an operator would, so
   * that tests of delivery are not tests of permissions; {@link #outboundUnlisted} leaves it out.
   */
  public void outbound(String sessionId, Out... rows) {
    for (Out row : rows) {
      if (row.channelType() != null && row.platformId() != null && !"agent".equals(row.channelType())) {
        allow(sessionId, row.channelType(), row.platformId());
      }
    }
    outboundUnlisted(sessionId, rows);
  }

  /** Adds a chat to the destinations of the session's agent group. */
  public void allow(String sessionId, String channelType, String platformId) {
    String group = central.read(c -> Sessions.byId(c, sessionId)).orElseThrow().agentGroupId();
    central.write(c -> {
      dev.switchboard.store.DestinationAcl.put(
          c,
          new dev.switchboard.store.DestinationAcl.Entry(
              group, "test-" + Math.abs((channelType + "|" + platformId).hashCode()), "channel",
              channelType, platformId, null),
          now());
      return null;
    });
  }

  /** Writes rows into the session's outbound.db as they are, destinations untouched. */
  public void outboundUnlisted(String sessionId, Out... rows) {
    try (Connection c = agentConnection(dir(sessionId).resolve("outbound.db"))) {
      c.setAutoCommit(false);
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO messages_out (id, seq, in_reply_to, timestamp, deliver_after, kind,"
                  + " platform_id, channel_type, thread_id, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Out row : rows) {
          p.setString(1, row.id());
          p.setLong(2, row.seq());
          p.setString(3, row.inReplyTo());
          p.setString(4, now());
          p.setString(5, row.deliverAfter());
          p.setString(6, row.kind());
          p.setString(7, row.platformId());
          p.setString(8, row.channelType());
          p.setString(9, row.threadId());
          p.setString(10, row.content());
          p.executeUpdate();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes an ack into outbound.db as the agent would. */
  public static void ack(Path outboundDb, String messageId, String status) {
    try (Connection c = agentConnection(outboundDb);
        PreparedStatement p =
            c.prepareStatement(
                "INSERT OR REPLACE INTO processing_ack (message_id, status, status_changed)"
                    + " VALUES (?, ?, datetime('now'))")) {
      p.setString(1, messageId);
      p.setString(2, status);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Connection agentConnection(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5000);
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }

  // Reads, as plain maps of column name to value.

  public Map<String, Object> delivery(String sessionId, String messageOutId) {
    return central
        .read(
            c ->
                rows(
                    c,
                    "SELECT * FROM deliveries WHERE session_id = ? AND message_out_id = ?",
                    sessionId,
                    messageOutId))
        .stream()
        .findFirst()
        .orElse(Map.of());
  }

  public String deliveryStatus(String sessionId, String messageOutId) {
    return (String) delivery(sessionId, messageOutId).get("status");
  }

  public int attempts(String sessionId, String messageOutId) {
    Object value = delivery(sessionId, messageOutId).get("attempts");
    return value == null ? -1 : ((Number) value).intValue();
  }

  public Optional<Map<String, Object>> delivered(String sessionId, String messageOutId) {
    return files
        .readInbound(
            dir(sessionId),
            c -> rows(c, "SELECT * FROM delivered WHERE message_out_id = ?", messageOutId))
        .stream()
        .findFirst();
  }

  public List<Map<String, Object>> inboundRows(String sessionId) {
    return files.readInbound(dir(sessionId), c -> rows(c, "SELECT * FROM messages_in ORDER BY seq"));
  }

  public Map<String, Object> inboundRow(String sessionId, String id) {
    return inboundRows(sessionId).stream()
        .filter(r -> id.equals(r.get("id")))
        .findFirst()
        .orElse(Map.of());
  }

  public List<Map<String, Object>> outboundRows(String sessionId) {
    return files.readOutbound(dir(sessionId), c -> rows(c, "SELECT * FROM messages_out ORDER BY seq"));
  }

  public List<Map<String, Object>> centralRows(String sql, Object... params) {
    return central.read(c -> rows(c, sql, params));
  }

  public static List<Map<String, Object>> rows(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        p.setObject(i + 1, params[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        ResultSetMetaData meta = r.getMetaData();
        List<Map<String, Object>> result = new ArrayList<>();
        while (r.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.put(meta.getColumnName(i), r.getObject(i));
          }
          result.add(row);
        }
        return result;
      }
    }
  }

  public static String now() {
    return Times.format(Instant.now());
  }

  @Override
  public void close() {
    central.close();
  }
}
