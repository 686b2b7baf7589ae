package dev.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The disk's limit for durable commits: one small INSERT per transaction ({@code BEGIN IMMEDIATE}
 * … {@code COMMIT}) into a fresh SQLite file, with the settings the gateway uses.
 */
final class SqliteCommitRate {
  /** The journal settings measured. */
  enum Mode {
    /** Session files ({@code inbound.db}, {@code outbound.db}): rollback journal, full sync. */
    DELETE_FULL(
        "journal_mode=DELETE, synchronous=FULL",
        SQLiteConfig.JournalMode.DELETE,
        SQLiteConfig.SynchronousMode.FULL,
        false),
    /** The same, opening and closing the file for every transaction, as the gateway does. */
    DELETE_FULL_REOPEN(
        "journal_mode=DELETE, synchronous=FULL, file opened per transaction",
        SQLiteConfig.JournalMode.DELETE,
        SQLiteConfig.SynchronousMode.FULL,
        true),
    /** The central database: write-ahead log, normal sync. */
    WAL_NORMAL(
        "journal_mode=WAL, synchronous=NORMAL",
        SQLiteConfig.JournalMode.WAL,
        SQLiteConfig.SynchronousMode.NORMAL,
        false),
    /** Write-ahead log with full sync: every commit synced. */
    WAL_FULL(
        "journal_mode=WAL, synchronous=FULL",
        SQLiteConfig.JournalMode.WAL,
        SQLiteConfig.SynchronousMode.FULL,
        false);

    final String label;
    final SQLiteConfig.JournalMode journal;
    final SQLiteConfig.SynchronousMode sync;
    final boolean reopen;

    Mode(
        String label,
        SQLiteConfig.JournalMode journal,
        SQLiteConfig.SynchronousMode sync,
        boolean reopen) {
      this.label = label;
      this.journal = journal;
      this.sync = sync;
      this.reopen = reopen;
    }
  }

  /** Commits per second in a mode. */
  record Result(Mode mode, long commits, double seconds) {
    double perSecond() {
      return seconds <= 0 ? 0 : commits / seconds;
    }
  }

  private SqliteCommitRate() {}

  /** Commits as many transactions as fit in {@code duration} into {@code folder/<mode>.db}. */
  static Result measure(Path folder, Mode mode, Duration duration) {
    Path file = folder.resolve(mode.name().toLowerCase() + ".db");
    try {
      Files.createDirectories(folder);
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + file, e);
    }
    SQLiteConfig config = new SQLiteConfig();
    if (mode.journal != SQLiteConfig.JournalMode.DELETE
        || mode.sync != SQLiteConfig.SynchronousMode.FULL) {
      // DELETE and FULL are SQLite's defaults; like the gateway, only other settings are stated.
      config.setJournalMode(mode.journal);
      config.setSynchronous(mode.sync);
    }
    config.setBusyTimeout(5000);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      try (Connection c = source.getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
      }
      long commits = 0;
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      Connection kept = mode.reopen ? null : source.getConnection();
      try {
        while (System.nanoTime() - deadline < 0) {
          if (kept != null) {
            commitOne(kept, commits);
          } else {
            try (Connection c = source.getConnection()) {
              commitOne(c, commits);
            }
          }
          commits++;
        }
      } finally {
        if (kept != null) {
          kept.close();
        }
      }
      return new Result(mode, commits, (System.nanoTime() - start) / 1e9);
    } catch (SQLException e) {
      throw new IllegalStateException("SQLite commit measurement failed on " + file, e);
    }
  }

  private static void commitOne(Connection c, long n) throws SQLException {
    try (Statement s = c.createStatement();
        PreparedStatement insert = c.prepareStatement("INSERT INTO rows (body) VALUES (?)")) {
      s.execute("BEGIN IMMEDIATE");
      insert.setString(1, "{\"text\":\"bench message " + n + "\"}");
      insert.executeUpdate();
      s.execute("COMMIT");
    }
  }
}
