package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionConnectionsTest {
  @TempDir Path folder;
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void a_released_connection_is_lent_again_for_the_same_file() throws Exception {
    Path file = table(folder.resolve("a.db"));
    try (SessionConnections connections = new SessionConnections(8, nanos::get)) {
      SessionConnections.Lease first = connections.take(file, true);
      connections.release(first);

      SessionConnections.Lease second = connections.take(file, true);

      assertSame(first.connection, second.connection);
      assertNotSame(second.connection, connections.take(file, false).connection, "read-write is its own");
    }
  }

  @Test
  void a_kept_connection_sees_what_another_process_committed_meanwhile() throws Exception {
    Path file = table(folder.resolve("a.db"));
    try (SessionConnections connections = new SessionConnections(8, nanos::get)) {
      SessionConnections.Lease lease = connections.take(file, true);
      assertEquals(0, count(lease.connection));
      connections.release(lease);

      try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = writer.createStatement()) {
        s.executeUpdate("INSERT INTO t VALUES (1)");
      }

      SessionConnections.Lease again = connections.take(file, true);
      assertSame(lease.connection, again.connection);
      assertEquals(1, count(again.connection));
    }
  }

  @Test
  void a_file_replaced_under_a_kept_connection_is_opened_afresh() throws Exception {
    Path file = table(folder.resolve("a.db"));
    Path other = table(folder.resolve("b.db"));
    try (SessionConnections connections = new SessionConnections(8, nanos::get)) {
      SessionConnections.Lease lease = connections.take(file, false);
      connections.release(lease);

      Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);

      SessionConnections.Lease fresh = connections.take(file, false);
      assertNotSame(lease.connection, fresh.connection);
      assertTrue(lease.connection.isClosed(), "the stale connection is closed");
    }
  }

  @Test
  void files_unused_for_the_idle_limit_and_files_past_the_cap_are_closed() throws Exception {
    try (SessionConnections connections = new SessionConnections(2, nanos::get)) {
      SessionConnections.Lease a = connections.take(table(folder.resolve("a.db")), true);
      SessionConnections.Lease b = connections.take(table(folder.resolve("b.db")), true);
      SessionConnections.Lease c = connections.take(table(folder.resolve("c.db")), true);
      connections.release(a);
      connections.release(b);
      connections.release(c);

      assertEquals(2, connections.idleFiles());
      assertTrue(a.connection.isClosed(), "the least recently used file went first");

      nanos.addAndGet(SessionConnections.IDLE_LIMIT.toNanos() + 1);
      connections.closeIdle();

      assertEquals(0, connections.idleFiles());
      assertTrue(b.connection.isClosed() && c.connection.isClosed());
    }
  }

  private static Path table(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (x INTEGER)");
    }
    return file;
  }

  private static long count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var r = s.executeQuery("SELECT COUNT(*) FROM t")) {
      return r.getLong(1);
    }
  }
}
