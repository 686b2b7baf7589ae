package dev.switchboard.agents;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when an agent writes its outbound.db: file-change events on the folders of running
 * sessions, plus a short fallback poll of the file's modification time (events can be missed, e.g.
 * on network file systems). Only running sessions are watched, since only a running agent writes.
 *
 * <p>Change handling is serialised per session: a change that arrives while the session's handler
 * runs makes it run once more afterwards, never twice at once.
 */
public final class SessionWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionWatcher.class);

  private final WatchService watchService;
  private final Consumer<String> onChange;
  private final Map<WatchKey, String> sessionsByKey = new ConcurrentHashMap<>();
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private final Map<String, SerialState> states = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final Thread eventThread;
  /** Runs the change handler; threads are kept between changes (one per change cost more than it). */
  private final java.util.concurrent.ExecutorService syncThreads =
      IdleThreads.pool("session-sync-");
  // Watch, unwatch and close one at a time. Each is a request to the JDK's watch-service thread,
  // woken by a byte the requester writes to a socket while holding the service's request lock.
  // Hundreds at once (agents starting and stopping together) can fill that socket before the
  // thread drains it; the writer then blocks holding the lock the thread needs to drain, and every
  // later watch, unwatch and event hangs for good. One request at a time leaves one byte waiting.
  private final ReentrantLock requests = new ReentrantLock();

  private static final class Watched {
    final Path dir;
    final WatchKey key;
    volatile long seenModified = -1;

    Watched(Path dir, WatchKey key) {
      this.dir = dir;
      this.key = key;
    }
  }

  private static final class SerialState {
    boolean running;
    boolean again;
  }

  /** @param onChange told a session id when its outbound.db may have changed */
  public SessionWatcher(Consumer<String> onChange, Duration pollInterval) {
    this.onChange = onChange;
    try {
      this.watchService = FileSystems.getDefault().newWatchService();
    } catch (IOException e) {
      throw new IllegalStateException("cannot watch files: " + e.getMessage(), e);
    }
    this.eventThread = Thread.ofPlatform().daemon().name("session-watcher").start(this::events);
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("session-poller").unstarted(r));
    long millis = Math.max(10, pollInterval.toMillis());
    poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  public void watch(String sessionId, Path dir) {
    requests.lock();
    try {
      // Deletions only (see events()): every page an agent or the host writes would otherwise be
      // an event of its own, each a hand-off between two threads.
      WatchKey key = dir.register(watchService, StandardWatchEventKinds.ENTRY_DELETE);
      sessionsByKey.put(key, sessionId);
      watched.put(sessionId, new Watched(dir, key));
    } catch (IOException e) {
      LOG.warn("cannot watch {} ({}); relying on the fallback poll", dir, e.getMessage());
      watched.put(sessionId, new Watched(dir, null));
    } finally {
      requests.unlock();
    }
  }

  public void unwatch(String sessionId) {
    Watched w = watched.remove(sessionId);
    if (w != null && w.key != null) {
      requests.lock();
      try {
        w.key.cancel();
      } finally {
        requests.unlock();
      }
      sessionsByKey.remove(w.key);
    }
  }

  /** Runs the change handler for a session now (serialised like every other run). */
  public void changed(String sessionId) {
    SerialState state = states.computeIfAbsent(sessionId, id -> new SerialState());
    synchronized (state) {
      if (state.running) {
        state.again = true;
        return;
      }
      state.running = true;
    }
    // A platform thread: reading a file an agent keeps locked waits out SQLite's busy timeout in
    // native code, which pins a virtual thread's carrier; with a couple of hung agents every
    // virtual thread of the gateway (HTTP handlers included) would stall for seconds.
    try {
      syncThreads.execute(() -> runSerially(sessionId, state));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      synchronized (state) {
        state.running = false;
      }
    }
  }

  private void runSerially(String sessionId, SerialState state) {
    while (true) {
      Watched w = watched.get(sessionId);
      if (w != null) {
        w.seenModified = modified(w.dir);
      }
      try {
        onChange.accept(sessionId);
      } catch (RuntimeException e) {
        LOG.warn("handling a change in session {} failed: {}", sessionId, e.toString());
      }
      synchronized (state) {
        if (!state.again) {
          state.running = false;
          return;
        }
        state.again = false;
      }
    }
  }

  private void events() {
    while (true) {
      WatchKey key;
      try {
        key = watchService.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      String sessionId = sessionsByKey.get(key);
      boolean relevant = false;
      for (WatchEvent<?> event : key.pollEvents()) {
        Object context = event.context();
        String name = context == null ? "" : context.toString();
        // In the rollback-journal mode of the session contract, deleting the journal is the
        // commit: one event per transaction of the agent, where the file's own changes give
        // several, each of which would read the file again. Anything else is left to the poll.
        if ((event.kind() == StandardWatchEventKinds.ENTRY_DELETE && name.equals("outbound.db-journal"))
            || event.kind() == StandardWatchEventKinds.OVERFLOW) {
          relevant = true;
        }
      }
      key.reset();
      if (sessionId != null && relevant) {
        changed(sessionId);
      }
    }
  }

  private void poll() {
    watched.forEach(
        (sessionId, w) -> {
          long now = modified(w.dir);
          if (now != w.seenModified) {
            changed(sessionId);
          }
        });
  }

  private static long modified(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve("outbound.db")).toMillis() * 31
          + Files.size(dir.resolve("outbound.db"));
    } catch (IOException e) {
      return -1;
    }
  }

  /** Stops watching; returns once its threads have ended, so no change is reported after it. */
  @Override
  public void close() {
    poller.shutdownNow();
    syncThreads.shutdown();
    requests.lock();
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service: {}", e.toString());
    } finally {
      requests.unlock();
    }
    eventThread.interrupt();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
      eventThread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
