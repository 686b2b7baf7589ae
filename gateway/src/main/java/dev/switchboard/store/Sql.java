package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Statements without parameters or results (transaction control). */
final class Sql {
  private Sql() {}

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
