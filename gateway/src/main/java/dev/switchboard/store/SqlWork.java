package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one open connection. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
