package dev.switchboard.plugins.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the host's side of a session's two SQLite files: creates them with the seed schema, writes
 * inbound rows and reads what the agent wrote. Like the host, it opens a file per unit of work.
 */
final class SessionDatabases {
  private final Path inbound;
  private final Path outbound;

  private SessionDatabases(Path inbound, Path outbound) {
    this.inbound = inbound;
    this.outbound = outbound;
  }

  static SessionDatabases create(Path sessionDir) throws IOException, SQLException {
    SessionDatabases databases =
        new SessionDatabases(sessionDir.resolve("inbound.db"), sessionDir.resolve("outbound.db"));
    Files.createDirectories(sessionDir);
    runScript(databases.inbound, "/session-schema/inbound.sql");
    runScript(databases.outbound, "/session-schema/outbound.sql");
    return databases;
  }

  void inbound(String sql, Object... parameters) throws SQLException {
    update(inbound, sql, parameters);
  }

  void outbound(String sql, Object... parameters) throws SQLException {
    update(outbound, sql, parameters);
  }

  List<Map<String, Object>> queryOutbound(String sql, Object... parameters) throws SQLException {
    return query(outbound, sql, parameters);
  }

  /** The rows, or empty when the file is momentarily locked: callers poll. */
  List<Map<String, Object>> pollOutbound(String sql, Object... parameters) {
    try {
      return query(outbound, sql, parameters);
    } catch (SQLException e) {
      return List.of();
    }
  }

  private static Connection open(Path file) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=5000");
    }
    return connection;
  }

  private static void runScript(Path file, String resource) throws IOException, SQLException {
    String script;
    try (InputStream in = SessionDatabases.class.getResourceAsStream(resource)) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection connection = open(file);
        Statement statement = connection.createStatement()) {
      for (String part : script.split(";")) {
        if (part.lines().anyMatch(line -> !line.isBlank() && !line.strip().startsWith("--"))) {
          statement.execute(part);
        }
      }
    }
  }

  private static void update(Path file, String sql, Object... parameters) throws SQLException {
    try (Connection connection = open(file);
        PreparedStatement statement = prepare(connection, sql, parameters)) {
      statement.executeUpdate();
    }
  }

  private static List<Map<String, Object>> query(Path file, String sql, Object... parameters)
      throws SQLException {
    try (Connection connection = open(file);
        PreparedStatement statement = prepare(connection, sql, parameters);
        ResultSet rows = statement.executeQuery()) {
      List<Map<String, Object>> result = new ArrayList<>();
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(rows.getMetaData().getColumnLabel(i), rows.getObject(i));
        }
        result.add(row);
      }
      return result;
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Object... parameters)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
    return statement;
  }
}
