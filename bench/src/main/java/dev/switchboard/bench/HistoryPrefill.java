package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives one session of a stopped gateway a long history, as the real flow would have left it: for
 * each of {@code rows} exchanges, a finished {@code messages_in} row and its {@code delivered} row
 * in inbound.db, the echo reply in {@code messages_out} and its {@code processing_ack} in
 * outbound.db, and the finished delivery in the central {@code deliveries} table, whose per-session
 * watermark ({@code session_work.outbound_seq}) is moved past the history so that none of it is
 * sent again.
 *
 * <p>Every row is a copy of the newest row the gateway itself wrote for the session (the session
 * must have had one exchange), with ids, seqs, statuses and texts changed and times kept; so the
 * columns and their formats are those of the gateway's own migrations and code. Each file is filled
 * in one transaction.
 */
final class HistoryPrefill {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 10_000;

  private HistoryPrefill() {}

  /** Where the history went and how big the files became. */
  record Result(Path sessionDir, long rows, long inboundBytes, long outboundBytes, long centralBytes) {}

  static Result fill(Path dataDir, String channelType, String chat, long rows) {
    Path central = dataDir.resolve("switchboard.db");
    try (Connection c = open(central)) {
      String[] session = session(c, channelType, chat);
      String sessionId = session[0];
      Path dir = dataDir.resolve("sessions").resolve(session[1]).resolve(sessionId);
      long firstSeq;
      try (Connection in = open(dir.resolve("inbound.db"));
          Connection out = open(dir.resolve("outbound.db"))) {
        long top = Math.max(maxSeq(in, "messages_in"), maxSeq(out, "messages_out"));
        firstSeq = top + (top % 2 == 0 ? 2 : 1); // even: the host's seqs
        fillInbound(in, rows, firstSeq);
        fillOutbound(out, rows, firstSeq);
      }
      fillCentral(c, sessionId, rows, firstSeq);
      return new Result(
          dir, rows, Files.size(dir.resolve("inbound.db")), Files.size(dir.resolve("outbound.db")),
          Files.size(central) + sizeIfAny(dataDir.resolve("switchboard.db-wal")));
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot fill the history of chat " + chat + ": " + e, e);
    }
  }

  /** The seq of exchange {@code i}: inbound rows get the even ones, replies the odd one above. */
  private static long inSeq(long firstSeq, long i) {
    return firstSeq + 2 * i;
  }

  private static void fillInbound(Connection in, long rows, long firstSeq) throws SQLException {
    Map<String, Object> message = newest(in, "messages_in", "seq");
    Map<String, Object> delivered = newest(in, "delivered", "rowid");
    ObjectNode content = (ObjectNode) parse((String) message.get("content"));
    in.setAutoCommit(false);
    try (Inserter m = new Inserter(in, "messages_in", message);
        Inserter d = new Inserter(in, "delivered", delivered)) {
      for (long i = 0; i < rows; i++) {
        content.put("text", "history message " + i);
        m.set("id", "hist-in-" + i);
        m.set("seq", inSeq(firstSeq, i));
        m.set("status", "completed");
        m.set("tries", 0);
        m.set("process_after", null);
        m.set("content", content.toString());
        m.add();
        d.set("message_out_id", "hist-out-" + i);
        d.set("platform_message_id", "hist-out-" + i);
        d.set("status", "delivered");
        d.add();
      }
    }
    in.commit();
  }

  private static void fillOutbound(Connection out, long rows, long firstSeq) throws SQLException {
    Map<String, Object> reply = newest(out, "messages_out", "seq");
    Map<String, Object> ack = newest(out, "processing_ack", "rowid");
    ObjectNode content = (ObjectNode) parse((String) reply.get("content"));
    out.setAutoCommit(false);
    try (Inserter m = new Inserter(out, "messages_out", reply);
        Inserter a = new Inserter(out, "processing_ack", ack)) {
      for (long i = 0; i < rows; i++) {
        content.put("text", "echo: history message " + i);
        m.set("id", "hist-out-" + i);
        m.set("seq", inSeq(firstSeq, i) + 1);
        m.set("in_reply_to", "hist-in-" + i);
        m.set("content", content.toString());
        m.add();
        a.set("message_id", "hist-in-" + i);
        a.set("status", "completed");
        a.add();
      }
    }
    out.commit();
  }

  private static void fillCentral(Connection c, String sessionId, long rows, long firstSeq)
      throws SQLException {
    Map<String, Object> delivery = newest(c, "deliveries", "seq", "session_id = ?", sessionId);
    ObjectNode content = (ObjectNode) parse((String) delivery.get("content"));
    long lastOutSeq = inSeq(firstSeq, rows - 1) + 1;
    c.setAutoCommit(false);
    try (Inserter d = new Inserter(c, "deliveries", delivery)) {
      for (long i = 0; i < rows; i++) {
        content.put("text", "echo: history message " + i);
        d.set("message_out_id", "hist-out-" + i);
        d.set("seq", inSeq(firstSeq, i) + 1);
        d.set("in_reply_to", "hist-in-" + i);
        d.set("content", content.toString());
        d.set("status", "delivered");
        d.set("attempts", 1);
        d.set("platform_message_id", "hist-out-" + i);
        d.add();
      }
    }
    try (PreparedStatement p =
        c.prepareStatement("UPDATE session_work SET outbound_seq = ? WHERE session_id = ?")) {
      p.setLong(1, lastOutSeq);
      p.setString(2, sessionId);
      if (p.executeUpdate() != 1) {
        throw new SQLException("session " + sessionId + " has no session_work row");
      }
    }
    c.commit();
  }

  /** {session id, agent group id} of the session of a chat. */
  private static String[] session(Connection c, String channelType, String chat) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT s.id, s.agent_group_id FROM sessions s JOIN messaging_groups m"
                + " ON s.messaging_group_id = m.id WHERE m.channel_type = ? AND m.platform_id = ?")) {
      p.setString(1, channelType);
      p.setString(2, chat);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("no session for " + channelType + " chat " + chat);
        }
        return new String[] {r.getString(1), r.getString(2)};
      }
    }
  }

  private static long maxSeq(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM " + table)) {
      return r.getLong(1);
    }
  }

  /** The newest row of {@code table} by {@code order}, column by column. */
  private static Map<String, Object> newest(
      Connection c, String table, String order, String where, Object... args) throws SQLException {
    String sql =
        "SELECT * FROM " + table + (where == null ? "" : " WHERE " + where) + " ORDER BY " + order
            + " DESC LIMIT 1";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw new SQLException(table + " has no row to copy; the session needs one exchange first");
        }
        ResultSetMetaData meta = r.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnName(i), r.getObject(i));
        }
        return row;
      }
    }
  }

  private static Map<String, Object> newest(Connection c, String table, String order)
      throws SQLException {
    return newest(c, table, order, null);
  }

  /** Inserts copies of a template row, some columns changed per row, in batches. */
  private static final class Inserter implements AutoCloseable {
    private final Map<String, Object> values;
    private final List<String> columns;
    private final PreparedStatement insert;
    private int pending;

    Inserter(Connection c, String table, Map<String, Object> template) throws SQLException {
      this.values = new LinkedHashMap<>(template);
      this.columns = new ArrayList<>(template.keySet());
      this.insert =
          c.prepareStatement(
              "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                  + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")");
    }

    void set(String column, Object value) {
      if (!values.containsKey(column)) {
        throw new IllegalArgumentException("no column " + column);
      }
      values.put(column, value);
    }

    void add() throws SQLException {
      for (int i = 0; i < columns.size(); i++) {
        insert.setObject(i + 1, values.get(columns.get(i)));
      }
      insert.addBatch();
      if (++pending == BATCH) {
        insert.executeBatch();
        pending = 0;
      }
    }

    @Override
    public void close() throws SQLException {
      try {
        if (pending > 0) {
          insert.executeBatch();
        }
      } finally {
        insert.close();
      }
    }
  }

  private static JsonNode parse(String json) throws SQLException {
    try {
      JsonNode node = JSON.readTree(json);
      if (!(node instanceof ObjectNode)) {
        throw new SQLException("content is not a JSON object: " + json);
      }
      return node;
    } catch (IOException e) {
      throw new SQLException("content is not JSON: " + json, e);
    }
  }

  private static long sizeIfAny(Path file) throws IOException {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private static Connection open(Path file) throws SQLException {
    if (!Files.exists(file)) {
      throw new SQLException(file + " does not exist");
    }
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }
}
