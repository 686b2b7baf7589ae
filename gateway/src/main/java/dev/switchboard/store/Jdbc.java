package dev.switchboard.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers: positional parameters, rows mapped by a lambda. */
public final class Jdbc {
  private Jdbc() {}

  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }

  public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, params);
        ResultSet rows = statement.executeQuery()) {
      List<T> result = new ArrayList<>();
      while (rows.next()) {
        result.add(mapper.map(rows));
      }
      return result;
    }
  }

  public static <T> Optional<T> queryOne(
      Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, params);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.ofNullable(mapper.map(rows)) : Optional.empty();
    }
  }

  public static long queryLong(Connection c, String sql, Object... params) throws SQLException {
    return queryOne(c, sql, row -> row.getLong(1), params).orElse(0L);
  }

  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, params)) {
      return statement.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }
}
