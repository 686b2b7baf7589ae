package dev.switchboard;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.store.Jdbc;
import dev.switchboard.store.SessionFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A writer of a session file that is SIGKILLed inside a transaction (an in-process echo agent when
 * the gateway is killed, or an agent container) leaves a hot journal beside the file. The host
 * reads session files read-only, and SQLite cannot roll a journal back on a read-only connection:
 * the host must still be able to read the file, seeing exactly the writer's last commit.
 */
class HotJournalRecoveryTest {
  @TempDir Path dataDir;
  private Process writer;

  @AfterEach
  void killWriter() throws InterruptedException {
    if (writer != null && writer.isAlive()) {
      writer.destroyForcibly();
      writer.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void an_outbound_db_left_with_a_hot_journal_by_a_killed_writer_is_read_at_its_last_commit()
      throws Exception {
    SessionFiles files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag-test", "sess-test");
    Path outbound = dir.resolve("outbound.db");
    try (Connection c = open(outbound, false);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO messages_out (id, seq, timestamp, kind, content)"
              + " VALUES ('committed', 1, '2026-01-01 00:00:00', 'chat', '{\"text\":\"hi\"}')");
    }

    killWriterInsideATransaction(outbound);

    assertTrue(
        Files.exists(dir.resolve("outbound.db-journal")),
        "the killed writer left no journal, so this test proves nothing");
    SQLiteException readOnly =
        assertThrows(SQLiteException.class, () -> countRows(open(outbound, true)));
    assertEquals(
        SQLiteErrorCode.SQLITE_READONLY_ROLLBACK,
        readOnly.getResultCode(),
        "a plain read-only connection should meet the hot journal");

    List<String> ids =
        files.readOutbound(
            dir, c -> Jdbc.query(c, "SELECT id FROM messages_out ORDER BY seq", r -> r.getString(1)));

    assertEquals(List.of("committed"), ids);
    assertEquals(1, countRows(open(outbound, true)), "the rollback was not kept");
  }

  private void killWriterInsideATransaction(Path file) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            HotJournalWriter.class.getName(),
            file.toString());
    writer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), UTF_8));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    assertEquals(HotJournalWriter.IN_TRANSACTION, line.get(60, TimeUnit.SECONDS));
    writer.destroyForcibly();
    assertTrue(writer.waitFor(30, TimeUnit.SECONDS), "the writer did not die after SIGKILL");
  }

  private static int countRows(Connection c) throws SQLException {
    try (c;
        Statement s = c.createStatement();
        var r = s.executeQuery("SELECT COUNT(*) FROM messages_out")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static Connection open(Path file, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
  }
}
