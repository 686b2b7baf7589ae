package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferredWritesTest {
  @TempDir Path dataDir;
  private final List<String> committed = new CopyOnWriteArrayList<>();
  private SessionFiles files;

  @AfterEach
  void tearDown() {
    if (files != null) {
      files.close();
    }
  }

  @Test
  void queued_bookkeeping_is_committed_by_the_next_write_of_the_same_file() {
    files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag", "s1");
    files.deferInbound(dir, "a", c -> record(c, "a"), () -> committed.add("a"));
    assertEquals(List.of(), delivered(dir), "nothing is written while nobody writes the file");

    files.writeInbound(dir, c -> record(c, "main"));

    assertEquals(List.of("a", "main"), delivered(dir));
    assertEquals(List.of("a"), committed);
  }

  @Test
  void a_piece_that_fails_is_dropped_alone_and_the_carrying_write_commits() {
    files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag", "s1");
    files.deferInbound(dir, "bad", c -> {
      record(c, "half");
      throw new SQLException("no space");
    }, () -> committed.add("bad"));
    files.deferInbound(dir, "good", c -> record(c, "good"), () -> committed.add("good"));

    files.writeInbound(dir, c -> record(c, "main"));

    assertEquals(List.of("good", "main"), delivered(dir), "the failed piece left nothing behind");
    assertEquals(List.of("good"), committed);
  }

  @Test
  void a_piece_whose_failure_ends_the_transaction_fails_the_write_with_its_own_cause_and_stays_queued() {
    files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag", "s1");
    AtomicBoolean diskFails = new AtomicBoolean(true);
    files.deferInbound(dir, "piece", c -> {
      record(c, "piece");
      if (diskFails.getAndSet(false)) {
        // What SQLite does on an I/O error in a transaction: it rolls the whole of it back.
        Sql.execute(c, "ROLLBACK");
        throw new SQLException("[SQLITE_IOERR_WRITE] disk I/O error");
      }
      return null;
    }, () -> committed.add("piece"));

    StoreException failed =
        assertThrows(StoreException.class, () -> files.writeInbound(dir, c -> record(c, "main")));

    assertTrue(failed.getMessage().contains("disk I/O error"), "the cause is named: " + failed.getMessage());
    assertEquals(List.of(), delivered(dir), "nothing of the failed write is in the file");
    files.flushDeferred();
    assertEquals(List.of("piece"), delivered(dir), "the piece waited for the next write");
    assertEquals(List.of("piece"), committed);
  }

  @Test
  void a_write_that_fails_leaves_the_queued_pieces_for_the_next_one() {
    files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag", "s1");
    files.deferInbound(dir, "a", c -> record(c, "a"), () -> committed.add("a"));
    try {
      files.writeInbound(dir, c -> {
        throw new SQLException("refused");
      });
    } catch (StoreException expected) {
      // the write is rolled back, the piece with it
    }
    assertEquals(List.of(), delivered(dir));

    files.flushDeferred();

    assertEquals(List.of("a"), delivered(dir));
    assertEquals(List.of("a"), committed);
  }

  @Test
  void the_timed_flush_writes_only_files_whose_pieces_have_waited_long_enough() {
    files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag", "s1");
    files.deferInbound(dir, "a", c -> record(c, "a"), () -> committed.add("a"));

    files.flushDeferred(Duration.ofHours(1));
    assertEquals(List.of(), delivered(dir), "a piece queued just now still waits for a carrier");

    files.flushDeferred(Duration.ZERO);
    assertEquals(List.of("a"), delivered(dir));
    assertEquals(List.of("a"), committed);
  }

  private static Void record(java.sql.Connection c, String id) throws SQLException {
    InboundRows.recordDelivered(c, id, null, "delivered", "2026-01-01 00:00:00");
    return null;
  }

  private List<String> delivered(Path dir) {
    return files.readInbound(
        dir, c -> Jdbc.query(c, "SELECT message_out_id FROM delivered ORDER BY rowid", r -> r.getString(1)));
  }
}
