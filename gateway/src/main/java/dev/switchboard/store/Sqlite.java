package dev.switchboard.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** How the host opens SQLite files. */
final class Sqlite {
  static final int BUSY_TIMEOUT_MILLIS = 5000;

  private Sqlite() {}

  /** The central database: WAL, full sync, foreign keys on. */
  static SQLiteDataSource central(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    return dataSource(file, config);
  }

  /**
   * A session file: rollback journal, not WAL, because an agent in a container reads it through a
   * bind mount that cannot share WAL's memory map.
   */
  static SQLiteDataSource sessionFile(Path file, boolean readOnly) {
    SQLiteConfig config = new SQLiteConfig();
    if (!readOnly) {
      config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
    }
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setReadOnly(readOnly);
    return dataSource(file, config);
  }

  static Connection open(SQLiteDataSource dataSource) throws SQLException {
    return dataSource.getConnection();
  }

  private static SQLiteDataSource dataSource(Path file, SQLiteConfig config) {
    SQLiteDataSource dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    return dataSource;
  }
}
