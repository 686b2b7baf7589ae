package dev.switchboard.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host bookkeeping for sessions' inbound.db files that may wait for the next write transaction of
 * the same file: whichever unit of work writes the file next (a routed message, an ack sync) commits
 * it too, so a busy session pays one synced commit for several pieces of bookkeeping. What nobody
 * picks up is written by {@link SessionFiles#flushDeferred()}.
 *
 * <p>Each piece runs in a savepoint of its own: one that fails is rolled back alone, logged and
 * dropped, and never fails the unit of work that carried it. Its owner must be able to redo it
 * (from its own records) at the next start. The exception is a failure that ends the whole
 * transaction (an I/O error, a full disk): then nothing of the unit of work is written, it fails
 * with that cause, and its pieces wait for the next write.
 */
final class DeferredWrites {
  private static final Logger LOG = LoggerFactory.getLogger(DeferredWrites.class);

  /** A piece of bookkeeping and what to do once it is committed. */
  record Piece(String what, SqlWork<?> work, Runnable committed) {}

  /** The pieces waiting for one file, and when the oldest of them was queued. */
  private record Batch(long sinceNanos, List<Piece> pieces) {}

  private final ConcurrentHashMap<Path, Batch> pending = new ConcurrentHashMap<>();

  void add(Path dir, Piece piece) {
    pending.compute(dir, (key, batch) -> {
      Batch b = batch == null ? new Batch(System.nanoTime(), new ArrayList<>()) : batch;
      b.pieces().add(piece);
      return b;
    });
  }

  /** Takes the pieces waiting for {@code dir}; called with the file's write lock held. */
  List<Piece> take(Path dir) {
    Batch batch = pending.remove(dir);
    return batch == null ? List.of() : batch.pieces();
  }

  /** Puts back pieces whose transaction did not commit, before any added since. */
  void putBack(Path dir, List<Piece> pieces) {
    if (pieces.isEmpty()) {
      return;
    }
    // Counted as queued now: a file that could not be written is not retried at once.
    pending.merge(dir, new Batch(System.nanoTime(), new ArrayList<>(pieces)), (newer, older) -> {
      older.pieces().addAll(newer.pieces());
      return older;
    });
  }

  /** The files with pieces queued for at least {@code age}. */
  Set<Path> dirsWaiting(Duration age) {
    long now = System.nanoTime();
    Set<Path> dirs = new HashSet<>();
    pending.forEach((dir, batch) -> {
      if (now - batch.sinceNanos() >= age.toNanos()) {
        dirs.add(dir);
      }
    });
    return dirs;
  }

  /** Runs each piece in its own savepoint; returns those that ran. */
  static List<Piece> apply(Connection c, Path dir, List<Piece> pieces) throws SQLException {
    List<Piece> applied = new ArrayList<>(pieces.size());
    for (Piece piece : pieces) {
      Sql.execute(c, "SAVEPOINT deferred");
      try {
        piece.work().run(c);
        Sql.execute(c, "RELEASE deferred");
        applied.add(piece);
      } catch (SQLException | RuntimeException e) {
        try {
          Sql.execute(c, "ROLLBACK TO deferred");
          Sql.execute(c, "RELEASE deferred");
        } catch (SQLException ended) {
          // The failure ended the whole transaction, savepoint and all: SQLite rolls back by itself
          // on an I/O error or a full disk. The carrying unit of work cannot go on and fails with
          // the piece's own cause (not "no such savepoint"); every piece stays queued.
          e.addSuppressed(ended);
          throw e;
        }
        LOG.warn("{} in {} could not be written and is left for the next start: {}", piece.what(), dir, e.toString());
      }
    }
    return applied;
  }

  /** Tells the owners of committed pieces; an owner's failure does not reach the writer. */
  static void committed(List<Piece> pieces) {
    for (Piece piece : pieces) {
      try {
        piece.committed().run();
      } catch (RuntimeException e) {
        LOG.warn("after writing {}: {}", piece.what(), e.toString());
      }
    }
  }
}
