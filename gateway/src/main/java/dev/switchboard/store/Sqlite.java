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

  /**
   * The central database: WAL, foreign keys on, and synchronous=NORMAL: in WAL mode that is safe
   * from corruption and from a killed process (every commit is in the WAL before it returns); only
   * a power loss can take the last commits back. Messages themselves live in the session files,
   * which sync fully: a 202 means the message is on disk.
   */
  static SQLiteDataSource central(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.enforceForeignKeys(true);
    return dataSource(file, config);
  }

  /**
   * A session file: rollback journal, not WAL, because an agent in a container reads it through a
   * bind mount that cannot share WAL's memory map.
   */
  static SQLiteDataSource sessionFile(Path file, boolean readOnly) {
    // journal_mode=DELETE and synchronous=FULL are SQLite's defaults, and nothing switches these
    // files to WAL; stating them again would run two pragmas on every open of a unit of work.
    SQLiteConfig config = new SQLiteConfig();
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
