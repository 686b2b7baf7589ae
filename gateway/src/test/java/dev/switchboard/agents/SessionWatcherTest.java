package dev.switchboard.agents;

import static dev.switchboard.delivery.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionWatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir Path dir;
  private SessionWatcher watcher;

  @AfterEach
  void tearDown() {
    if (watcher != null) {
      watcher.close();
    }
  }

  @Test
  void reports_a_write_to_a_watched_sessions_outbound_db() throws Exception {
    Files.writeString(dir.resolve("outbound.db"), "v1");
    List<String> seen = new CopyOnWriteArrayList<>();
    watcher = new SessionWatcher(seen::add, Duration.ofMillis(50));
    watcher.watch("s1", dir);

    Files.writeString(dir.resolve("outbound.db"), "version 2");

    await(WAIT, () -> seen.contains("s1"), "the change is reported");
  }

  @Test
  void runs_one_handler_at_a_time_and_once_more_for_changes_that_came_during_it() {
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    watcher =
        new SessionWatcher(
            id -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              if (runs.incrementAndGet() == 1) {
                awaitQuietly(release);
              }
              running.decrementAndGet();
              finished.incrementAndGet();
            },
            Duration.ofMillis(50));

    watcher.changed("s1");
    await(WAIT, () -> runs.get() == 1, "the handler runs");
    watcher.changed("s1");
    watcher.changed("s1");
    watcher.changed("s1");
    release.countDown();

    await(WAIT, () -> finished.get() == 2, "it runs once more for the changes meanwhile");
    watcher.changed("s1");
    await(WAIT, () -> finished.get() == 3, "and again for a later change");
    assertEquals(3, runs.get());
    assertEquals(1, mostAtOnce.get(), "never twice at once for one session");
  }


  /**
   * Each watch and unwatch is a request to the JDK's watch service thread, which is woken through a
   * socket; hundreds of them at once (agents starting and stopping together) once filled that
   * socket while a requester held the service's request lock, and every later watch, unwatch and
   * event hung for good.
   */
  @Test
  void hundreds_of_sessions_watched_and_unwatched_at_once_all_complete() throws Exception {
    watcher = new SessionWatcher(id -> {}, Duration.ofSeconds(1));
    int sessions = 1_000;
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      dirs.add(Files.createDirectory(dir.resolve("s" + i)));
    }
    CountDownLatch done = new CountDownLatch(sessions);
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < sessions; i++) {
      String id = "s" + i;
      Path folder = dirs.get(i);
      Thread.ofVirtual()
          .start(
              () -> {
                awaitQuietly(go);
                for (int round = 0; round < 3; round++) {
                  watcher.watch(id, folder);
                  watcher.unwatch(id);
                }
                done.countDown();
              });
    }

    go.countDown();

    boolean finished = done.await(60, TimeUnit.SECONDS);
    if (!finished) {
      watcher = null; // Closing a hung watch service would hang too.
    }
    assertTrue(
        finished, done.getCount() + " of " + sessions + " sessions still waiting to watch or unwatch");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
