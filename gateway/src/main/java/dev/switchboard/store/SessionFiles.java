package dev.switchboard.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The session folders, {@code <data dir>/sessions/<agent group id>/<session id>/}, and the host's
 * access to their two databases.
 *
 * <p>Both files are migrated by Flyway, one instance per file ({@code db/inbound}, {@code
 * db/outbound}). A new session gets copies of template files migrated once per start, which makes
 * creating a session a file copy instead of a Flyway run; an existing session is migrated the first
 * time this process opens it. The host writes inbound.db only, and opens outbound.db read-only:
 * outside of creating its schema, the host never writes the agent's file (it only rolls back a
 * journal that a writer killed mid-transaction left behind, which restores the writer's last
 * commit).
 */
public final class SessionFiles implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionFiles.class);
  /** Files whose connections stay open between units of work: the busy sessions' files. */
  private static final int OPEN_FILES = 192;
  /** How long a write waiting for another's commit sleeps between looks (a safety net only). */
  private static final Duration COMMITTER_CHECK = Duration.ofMillis(50);

  private final Path dataDir;
  private final Path sessionsRoot;
  private final Path inboundTemplate;
  private final Path outboundTemplate;
  private final Set<Path> ready = ConcurrentHashMap.newKeySet();
  private final ReentrantLock[] locks = new ReentrantLock[256];
  private final SessionConnections connections = new SessionConnections(OPEN_FILES);
  private final DeferredWrites deferred = new DeferredWrites();
  /** Writes of inbound.db waiting for their file, per session folder (see writeInbound). */
  private final ConcurrentHashMap<Path, Writers> waiting = new ConcurrentHashMap<>();
  private final AtomicLong batches = new AtomicLong();
  /** Writes bookkeeping no write carried within {@link #DEFERRED_HOLD}; started by the first piece. */
  private volatile ScheduledExecutorService deferredTimer;
  private boolean closed;

  public SessionFiles(Path dataDir) {
    this.dataDir = dataDir;
    this.sessionsRoot = dataDir.resolve("sessions");
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
    // Templates are private to this process (the CLI makes its own while a gateway runs), in a
    // temporary folder removed at exit.
    Path templates = null;
    try {
      templates = Files.createTempDirectory("switchboard-templates-");
      this.inboundTemplate = templates.resolve("inbound.db");
      this.outboundTemplate = templates.resolve("outbound.db");
      migrate(inboundTemplate, "db/inbound");
      migrate(outboundTemplate, "db/outbound");
      templates.toFile().deleteOnExit();
      inboundTemplate.toFile().deleteOnExit();
      outboundTemplate.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new StoreException("cannot prepare session templates in " + templates, e);
    }
  }

  /** Agent group folders (workspaces): {@code <data dir>/groups/<folder>/}. */
  public Path groupsRoot() {
    return dataDir.resolve("groups");
  }

  /** Agents' own output: {@code <data dir>/logs/sessions/<agent group id>/<session id>.log}. */
  public Path logsRoot() {
    return dataDir.resolve("logs").resolve("sessions");
  }

  public Path dir(String agentGroupId, String sessionId) {
    return sessionsRoot.resolve(agentGroupId).resolve(sessionId);
  }

  /** Creates the folder and both databases if missing, and migrates them once per process. */
  public Path ensure(String agentGroupId, String sessionId) {
    Path dir = dir(agentGroupId, sessionId);
    if (ready.contains(dir)) {
      return dir;
    }
    return OffCarrier.call(() -> ensureHere(dir));
  }

  private Path ensureHere(Path dir) {
    ReentrantLock lock = lockFor(dir);
    lock.lock();
    try {
      if (!ready.contains(dir)) {
        Files.createDirectories(dir);
        prepare(dir.resolve("inbound.db"), inboundTemplate, "db/inbound");
        prepare(dir.resolve("outbound.db"), outboundTemplate, "db/outbound");
        ready.add(dir);
      }
      return dir;
    } catch (IOException e) {
      throw new StoreException("cannot create session folder " + dir + ": " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the session's inbound.db in one immediate transaction, serialised with every other host
   * write to the same file.
   *
   * <p>Writes that arrive while the file is being written wait together, and the first of them to
   * get the file commits them all in one transaction (group commit): a busy chat's messages then
   * share the synced commit, which costs the same for one row as for twenty. Each write of a group
   * runs in a savepoint of its own, so one that fails is undone and fails alone.
   */
  public <T> T writeInbound(Path dir, SqlWork<T> work) {
    return OffCarrier.call(() -> writeInboundHere(dir, work));
  }

  private <T> T writeInboundHere(Path dir, SqlWork<T> work) {
    Write<T> mine = new Write<>(work);
    Writers writers = waiting.computeIfAbsent(dir, d -> new Writers());
    writers.queue.add(mine);
    // Whoever finds no commit under way commits everything queued; the others wait for their own
    // write to be done. The committer looks at the queue again after letting go, so a write queued
    // while it was committing (whose thread found the commit under way) is not left waiting.
    while (!mine.isDone()) {
      if (!writers.committing.compareAndSet(false, true)) {
        mine.awaitDone();
        continue;
      }
      try {
        commitQueued(dir, writers);
      } finally {
        writers.committing.set(false);
      }
      while (!writers.queue.isEmpty() && writers.committing.compareAndSet(false, true)) {
        try {
          commitQueued(dir, writers);
        } finally {
          writers.committing.set(false);
        }
      }
    }
    return mine.outcome();
  }

  private void commitQueued(Path dir, Writers writers) {
    ReentrantLock lock = lockFor(dir);
    lock.lock();
    try {
      List<Write<?>> batch = new ArrayList<>();
      for (Write<?> next = writers.queue.poll(); next != null; next = writers.queue.poll()) {
        batch.add(next);
      }
      if (!batch.isEmpty()) {
        writeBatch(dir, batch);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The writes waiting for one inbound.db, and whether one of their threads is committing. */
  private static final class Writers {
    final ConcurrentLinkedQueue<Write<?>> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean committing = new AtomicBoolean();
  }

  /**
   * Commits {@code batch} in one transaction. With several writes, each runs in a savepoint of its
   * own, so one that fails is undone alone and fails alone; if the transaction itself is lost (an
   * I/O error makes SQLite roll it back whole) or the commit fails, every write of the batch fails
   * with that cause, and none has been written.
   */
  private void writeBatch(Path dir, List<Write<?>> batch) {
    try {
      commit(dir, batch);
      batches.incrementAndGet();
    } catch (RuntimeException e) {
      for (Write<?> write : batch) {
        if (write.failure == null) {
          write.failure = e;
        }
      }
    } finally {
      batch.forEach(Write::markDone);
    }
  }

  private void commit(Path dir, List<Write<?>> batch) {
    SessionConnections.Lease lease = null;
    List<DeferredWrites.Piece> carried = List.of();
    try {
      lease = connections.take(dir.resolve("inbound.db"), false);
      Connection c = lease.connection;
      Sql.execute(c, "BEGIN IMMEDIATE");
      carried = deferred.take(dir);
      List<DeferredWrites.Piece> applied;
      try {
        applied = DeferredWrites.apply(c, dir, carried);
        if (batch.size() == 1) {
          batch.get(0).run(c);
        } else {
          for (Write<?> write : batch) {
            runInSavepoint(c, dir, write);
          }
        }
        Sql.execute(c, "COMMIT");
      } catch (SQLException | RuntimeException e) {
        CentralDb.rollbackQuietly(c);
        throw e;
      }
      carried = List.of();
      connections.release(lease);
      lease = null;
      DeferredWrites.committed(applied);
    } catch (SQLException e) {
      throw new StoreException("inbound.db of " + dir + ": " + e.getMessage(), e);
    } finally {
      deferred.putBack(dir, carried);
      if (lease != null) {
        connections.discard(lease);
      }
    }
  }

  private static void runInSavepoint(Connection c, Path dir, Write<?> write) throws SQLException {
    Sql.execute(c, "SAVEPOINT batched");
    try {
      write.run(c);
      Sql.execute(c, "RELEASE batched");
    } catch (SQLException | RuntimeException e) {
      try {
        Sql.execute(c, "ROLLBACK TO batched");
        Sql.execute(c, "RELEASE batched");
      } catch (SQLException gone) {
        // No savepoint left: SQLite ended the whole transaction. The batch fails with the cause.
        throw e;
      }
      write.failure =
          e instanceof SQLException sql
              ? new StoreException("inbound.db of " + dir + ": " + sql.getMessage(), sql)
              : (RuntimeException) e;
    }
  }

  /** Writes of {@code dir}'s inbound.db waiting for the file now. */
  int waitingWrites(Path dir) {
    Writers writers = waiting.get(dir);
    return writers == null ? 0 : writers.queue.size();
  }

  /** Transactions committed on inbound.db files so far (a group commit counts once). */
  long inboundCommits() {
    return batches.get();
  }

  /**
   * One write waiting for its file. Its result and failure are set by the thread that commits it
   * before {@link #markDone}, and read by its own thread after {@link #isDone}.
   */
  private static final class Write<T> {
    private final SqlWork<T> work;
    private final CountDownLatch done = new CountDownLatch(1);
    private T result;
    private RuntimeException failure;

    Write(SqlWork<T> work) {
      this.work = work;
    }

    void run(Connection c) throws SQLException {
      result = work.run(c);
    }

    void markDone() {
      done.countDown();
    }

    boolean isDone() {
      return done.getCount() == 0;
    }

    /** Waits until done, or briefly: the caller then looks whether it must commit itself. */
    void awaitDone() {
      try {
        done.await(COMMITTER_CHECK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while waiting for a session file", e);
      }
    }

    T outcome() {
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }

  /**
   * Queues host bookkeeping for the session's inbound.db to be committed with the next write of the
   * file (see {@link DeferredWrites}); {@code committed} runs once it is.
   */
  public void deferInbound(Path dir, String what, SqlWork<?> work, Runnable committed) {
    deferred.add(dir, new DeferredWrites.Piece(what, work, committed));
    if (deferredTimer == null) {
      startDeferredTimer();
    }
  }

  private synchronized void startDeferredTimer() {
    if (deferredTimer != null || closed) {
      return;
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("deferred-writes").unstarted(r));
    long period = DEFERRED_HOLD.toMillis() / 4;
    timer.scheduleWithFixedDelay(this::flushWaiting, period, period, TimeUnit.MILLISECONDS);
    deferredTimer = timer;
  }

  /**
   * How long queued bookkeeping waits for a write of its file to carry it before this class's timer
   * writes it alone: long enough that a chat with a message every couple of seconds pays no synced commit for
   * it, short enough that the copies it holds (statuses, delivery outcomes) are seen within seconds.
   */
  public static final Duration DEFERRED_HOLD = Duration.ofSeconds(2);

  private void flushWaiting() {
    try {
      flushDeferred(DEFERRED_HOLD);
    } catch (RuntimeException e) {
      // Kept for the next round: a failure must not end the timer.
      LOG.warn("writing queued bookkeeping: {}", e.toString());
    }
  }

  /** Writes the bookkeeping no other write has carried yet. */
  public void flushDeferred() {
    flushDeferred(Duration.ZERO);
  }

  /** Writes the bookkeeping that has waited at least {@code age} for another write to carry it. */
  public void flushDeferred(Duration age) {
    for (Path dir : deferred.dirsWaiting(age)) {
      try {
        writeInbound(dir, c -> null);
      } catch (StoreException e) {
        LOG.warn("writing queued bookkeeping into {}: {}", dir, e.getMessage());
      }
    }
  }

  public <T> T readInbound(Path dir, SqlWork<T> work) {
    return read(dir.resolve("inbound.db"), work);
  }

  /** Reads the agent's outbound.db, read-only. */
  public <T> T readOutbound(Path dir, SqlWork<T> work) {
    return read(dir.resolve("outbound.db"), work);
  }

  private <T> T read(Path file, SqlWork<T> work) {
    return OffCarrier.call(() -> readHere(file, work));
  }

  private <T> T readHere(Path file, SqlWork<T> work) {
    try {
      return readOnce(file, work);
    } catch (SQLException e) {
      if (!isHotJournal(e)) {
        throw new StoreException(file + ": " + e.getMessage(), e);
      }
    }
    rollBackHotJournal(file);
    try {
      return readOnce(file, work);
    } catch (SQLException e) {
      throw new StoreException(file + ": " + e.getMessage(), e);
    }
  }

  private <T> T readOnce(Path file, SqlWork<T> work) throws SQLException {
    SessionConnections.Lease lease = connections.take(file, true);
    try {
      T result = work.run(lease.connection);
      connections.release(lease);
      lease = null;
      return result;
    } finally {
      if (lease != null) {
        connections.discard(lease);
      }
    }
  }

  /** Closes the connections of files no unit of work has used for a minute. */
  public void closeIdleConnections() {
    connections.closeIdle();
    // A write that still holds a removed entry commits through it alone; the file's lock keeps it
    // apart from writes through the entry that replaces it.
    waiting.values().removeIf(writers -> writers.queue.isEmpty() && !writers.committing.get());
  }

  @Override
  public void close() {
    ScheduledExecutorService timer;
    synchronized (this) {
      closed = true;
      timer = deferredTimer;
    }
    if (timer != null) {
      timer.shutdown();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    connections.close();
  }

  /**
   * A writer that died inside a transaction (a killed gateway, a killed agent) leaves a hot
   * journal, and a read-only connection cannot roll it back: every read would fail until the
   * writer opens the file again, which for an idle session may be never.
   */
  private static boolean isHotJournal(SQLException e) {
    return e instanceof SQLiteException s
        && s.getResultCode() == SQLiteErrorCode.SQLITE_READONLY_ROLLBACK;
  }

  /**
   * Rolls a hot journal back the way SQLite does on any read-write open: the file returns to its
   * writer's last commit and gains nothing. SQLite treats a journal as hot only while no
   * connection holds a write lock on the file, so a live writer is never disturbed.
   */
  private static void rollBackHotJournal(Path file) {
    try (Connection c = Sqlite.open(Sqlite.sessionFile(file, false));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
      r.next();
    } catch (SQLException e) {
      throw new StoreException(file + ": cannot roll back the journal a crash left: " + e.getMessage(), e);
    }
  }

  private void prepare(Path file, Path template, String location) throws IOException {
    if (Files.exists(file)) {
      migrate(file, location);
      return;
    }
    // Copy, then rename: a crash leaves either no file or a complete one, never half a schema.
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.copy(template, partial, StandardCopyOption.REPLACE_EXISTING);
    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void migrate(Path file, String location) {
    Flyway.configure(SessionFiles.class.getClassLoader())
        .dataSource(Sqlite.sessionFile(file, false))
        .locations("classpath:" + location)
        .load()
        .migrate();
  }

  private ReentrantLock lockFor(Path dir) {
    return locks[Math.floorMod(dir.hashCode(), locks.length)];
  }
}
