package dev.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Open connections to session files, kept between units of work of busy sessions. Opening a
 * SQLite file costs a few hundred microseconds of CPU (the open, the driver's set-up, reading and
 * parsing the schema on first use) and a message touches its session's files several times, so
 * reuse is most of the difference between opening per unit of work and not.
 *
 * <p>An idle connection holds no lock on its file: units of work end their transactions, and
 * SQLite checks the file's change counter when the next one begins, so writes by the agent (or
 * the CLI) in between are seen. A connection is reused only while its path still names the file
 * it was opened on (same inode), so a file replaced under it is opened afresh, never written
 * through a stale descriptor. Connections of files untouched for {@link #IDLE_LIMIT} are closed,
 * so idle sessions hold no descriptors; at most {@code maxFiles} files keep idle connections.
 *
 * <p>The session contract has neither side hold a file open between units of work. The host keeps
 * a connection only across the units of work of one burst (messages seconds apart in the same
 * session, the agent's replies to them, their delivery) and closes it once the files have been
 * quiet for two seconds; the supervisor's tick looks every second.
 */
final class SessionConnections implements AutoCloseable {
  static final Duration IDLE_LIMIT = Duration.ofSeconds(2);
  private static final int PER_FILE = 2;

  /** A connection lent out; give it back with {@link #release} or {@link #discard}. */
  static final class Lease {
    final Connection connection;
    private final Key key;
    private final Object fileKey;
    private long lastUsed;

    private Lease(Connection connection, Key key, Object fileKey) {
      this.connection = connection;
      this.key = key;
      this.fileKey = fileKey;
    }
  }

  private record Key(Path file, boolean readOnly) {}

  private final int maxFiles;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock; access order, so the eldest entry is the least recently used file.
  private final LinkedHashMap<Key, ArrayDeque<Lease>> idle = new LinkedHashMap<>(64, 0.75f, true);
  private boolean closed; // guarded by lock

  SessionConnections(int maxFiles) {
    this(maxFiles, System::nanoTime);
  }

  SessionConnections(int maxFiles, LongSupplier nanoClock) {
    this.maxFiles = maxFiles;
    this.nanoClock = nanoClock;
  }

  /** An open connection to {@code file}: an idle one of the same file, or a new one. */
  Lease take(Path file, boolean readOnly) throws SQLException {
    Key key = new Key(file, readOnly);
    Object fileKey = fileKey(file);
    List<Lease> stale = new ArrayList<>();
    Lease found = null;
    lock.lock();
    try {
      ArrayDeque<Lease> leases = idle.get(key);
      while (leases != null && !leases.isEmpty() && found == null) {
        Lease lease = leases.pollLast();
        if (fileKey != null && fileKey.equals(lease.fileKey)) {
          found = lease;
        } else {
          stale.add(lease);
        }
      }
    } finally {
      lock.unlock();
    }
    stale.forEach(SessionConnections::closeQuietly);
    if (found != null) {
      return found;
    }
    Connection connection = Sqlite.open(Sqlite.sessionFile(file, readOnly));
    // The inode is read again after the open: a new file (a session being created) has one now.
    return new Lease(connection, key, fileKey != null ? fileKey : fileKey(file));
  }

  /** Gives back a connection whose unit of work ended cleanly (no transaction left open). */
  void release(Lease lease) {
    List<Lease> evicted = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        evicted.add(lease);
      } else {
        long now = nanoClock.getAsLong();
        lease.lastUsed = now;
        ArrayDeque<Lease> leases = idle.computeIfAbsent(lease.key, k -> new ArrayDeque<>(PER_FILE));
        if (leases.size() >= PER_FILE) {
          evicted.add(lease);
        } else {
          leases.addLast(lease);
        }
        trim(now, evicted);
      }
    } finally {
      lock.unlock();
    }
    evicted.forEach(SessionConnections::closeQuietly);
  }

  /** Closes a connection whose unit of work failed: its state is unknown. */
  void discard(Lease lease) {
    closeQuietly(lease);
  }

  /** Closes the connections of files not used for {@link #IDLE_LIMIT}. */
  void closeIdle() {
    List<Lease> evicted = new ArrayList<>();
    lock.lock();
    try {
      trim(nanoClock.getAsLong(), evicted);
    } finally {
      lock.unlock();
    }
    evicted.forEach(SessionConnections::closeQuietly);
  }

  /** Files with idle connections, for tests. */
  int idleFiles() {
    lock.lock();
    try {
      return (int) idle.values().stream().filter(d -> !d.isEmpty()).count();
    } finally {
      lock.unlock();
    }
  }

  // Called with the lock held: drops least recently used files past the cap or the idle limit.
  private void trim(long now, List<Lease> evicted) {
    Iterator<Map.Entry<Key, ArrayDeque<Lease>>> eldest = idle.entrySet().iterator();
    while (eldest.hasNext()) {
      ArrayDeque<Lease> leases = eldest.next().getValue();
      boolean tooMany = idle.size() > maxFiles;
      boolean tooOld =
          leases.isEmpty() || now - leases.peekLast().lastUsed > IDLE_LIMIT.toNanos();
      if (!tooMany && !tooOld) {
        return;
      }
      evicted.addAll(leases);
      eldest.remove();
    }
  }

  @Override
  public void close() {
    List<Lease> all = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
    } finally {
      lock.unlock();
    }
    all.forEach(SessionConnections::closeQuietly);
  }

  private static Object fileKey(Path file) {
    try {
      return Objects.requireNonNull(
          Files.readAttributes(file, BasicFileAttributes.class).fileKey(), "no file key");
    } catch (IOException | NullPointerException e) {
      return null;
    }
  }

  private static void closeQuietly(Lease lease) {
    try {
      lease.connection.close();
    } catch (SQLException ignored) {
      // closing a connection nobody will use again; nothing to recover
    }
  }
}
