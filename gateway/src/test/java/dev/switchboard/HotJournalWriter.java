package dev.switchboard;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * A writer of a session file that is killed inside a transaction: it opens the file given as its
 * argument, begins a transaction, writes enough rows into {@code messages_out} that SQLite spills
 * pages into the file itself, says so on standard output, and waits to be killed.
 */
public final class HotJournalWriter {
  static final String IN_TRANSACTION = "in transaction";

  private HotJournalWriter() {}

  public static void main(String[] args) throws Exception {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.DELETE);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0], config.toProperties());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA cache_size = 2");
      s.execute("BEGIN IMMEDIATE");
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO messages_out (id, seq, timestamp, kind, content)"
                  + " VALUES (?, ?, '2026-01-01 00:00:00', 'chat', ?)")) {
        for (int i = 0; i < 500; i++) {
          p.setString(1, "uncommitted-" + i);
          p.setLong(2, 1001 + 2L * i);
          p.setString(3, "{\"text\":\"" + "x".repeat(1000) + "\"}");
          p.executeUpdate();
        }
      }
      System.out.println(IN_TRANSACTION);
      System.out.flush();
      System.in.read();
    }
  }
}
