package dev.switchboard.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteDataSource;

/**
 * The central database, {@code <data dir>/switchboard.db}, migrated by Flyway at open. One
 * connection serves the whole process, one unit of work at a time: SQLite has a single writer
 * anyway, and a unit of work here takes well under a millisecond. Other processes (the CLI) may
 * write the same file; WAL and the busy timeout let them.
 */
public final class CentralDb implements AutoCloseable {
  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private CentralDb(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /** Opens (creating if needed) and migrates the central database. */
  public static CentralDb open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SQLiteDataSource dataSource = Sqlite.central(file);
      Flyway.configure(CentralDb.class.getClassLoader())
          .dataSource(dataSource)
          .locations("classpath:db/central")
          .load()
          .migrate();
      return new CentralDb(file, dataSource.getConnection());
    } catch (Exception e) {
      throw new StoreException("cannot open the central database " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Runs {@code work} in one immediate transaction and commits it; rolls back if it throws. The
   * transaction is begun and ended explicitly: with JDBC's auto-commit off, the driver would open
   * the next transaction at once and hold the write lock between units of work, locking out the
   * CLI.
   */
  public <T> T write(SqlWork<T> work) {
    return inTransaction("BEGIN IMMEDIATE", work);
  }

  /** Runs {@code work} for reading; it sees one consistent snapshot. */
  public <T> T read(SqlWork<T> work) {
    return inTransaction("BEGIN DEFERRED", work);
  }

  private <T> T inTransaction(String begin, SqlWork<T> work) {
    lock.lock();
    try {
      Sql.execute(connection, begin);
      try {
        T result = work.run(connection);
        Sql.execute(connection, "COMMIT");
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("central database: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  static void rollbackQuietly(Connection connection) {
    try {
      Sql.execute(connection, "ROLLBACK");
    } catch (SQLException ignored) {
      // Nothing to roll back (the failure ended the transaction), or the file is unusable, which
      // the next unit of work reports.
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("closing the central database: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
