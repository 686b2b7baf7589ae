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
 * connection writes, one unit of work at a time (SQLite has a single writer anyway); a small pool
 * of connections reads, so that reads never wait behind a write's sync. Under WAL a reader sees
 * the last commit made before its transaction began. Other processes (the CLI) may write the same
 * file; WAL and the busy timeout let them.
 */
public final class CentralDb implements AutoCloseable {
  private static final int READERS = 4;

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final java.util.concurrent.BlockingQueue<Connection> readers;

  private CentralDb(Path file, Connection connection, java.util.List<Connection> readers) {
    this.file = file;
    this.connection = connection;
    this.readers = new java.util.concurrent.ArrayBlockingQueue<>(readers.size(), false, readers);
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
      java.util.List<Connection> readers = new java.util.ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        readers.add(dataSource.getConnection());
      }
      return new CentralDb(file, dataSource.getConnection(), readers);
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
    return OffCarrier.call(() -> inTransaction("BEGIN IMMEDIATE", work));
  }

  /** Runs {@code work} for reading on a reader connection; it sees one consistent snapshot. */
  public <T> T read(SqlWork<T> work) {
    return OffCarrier.call(() -> readHere(work));
  }

  private <T> T readHere(SqlWork<T> work) {
    Connection reader;
    try {
      reader = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the central database", e);
    }
    try {
      Sql.execute(reader, "BEGIN DEFERRED");
      try {
        return work.run(reader);
      } finally {
        rollbackQuietly(reader);
      }
    } catch (SQLException e) {
      throw new StoreException("central database: " + e.getMessage(), e);
    } finally {
      readers.add(reader);
    }
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
      for (Connection reader : readers) {
        reader.close();
      }
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("closing the central database: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }
}
