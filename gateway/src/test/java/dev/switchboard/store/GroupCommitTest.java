package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes of one inbound.db that wait while the file is being written are committed together, by
 * whichever of them gets the file first; each still gets its own result, and one that fails fails
 * alone.
 */
class GroupCommitTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int WAITERS = 10;

  @TempDir Path dataDir;
  private SessionFiles files;
  private Path dir;

  @BeforeEach
  void setUp() {
    files = new SessionFiles(dataDir);
    dir = files.ensure("ag-1", "sess-1");
  }

  @AfterEach
  void tearDown() {
    files.close();
  }

  private static InboundRow row(String id) {
    return new InboundRow(id, "chat", "2026-11-26T10:00:00.000Z", null, null, "chat-1", "webhook", null, "{\"text\":\"" + id + "\"}");
  }

  /** A write that holds the file until {@code release} opens; returns once it holds it. */
  private CompletableFuture<Optional<String>> holdFile(CountDownLatch release) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    CompletableFuture<Optional<String>> first =
        CompletableFuture.supplyAsync(
            () ->
                files.writeInbound(
                    dir,
                    c -> {
                      holding.countDown();
                      try {
                        assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return InboundRows.insert(c, row("m-first"));
                    }),
            runnable -> Thread.ofPlatform().start(runnable));
    assertTrue(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the first write holds the file");
    return first;
  }

  private Set<String> storedIds() {
    return files.readInbound(dir, c -> Jdbc.query(c, "SELECT id FROM messages_in", r -> r.getString(1)))
        .stream()
        .collect(Collectors.toSet());
  }

  @Test
  void writes_that_wait_for_the_file_are_committed_in_one_transaction_each_with_its_own_result() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Optional<String>> first = holdFile(release);
    Map<String, CompletableFuture<Optional<String>>> waiting = new ConcurrentHashMap<>();
    for (int i = 0; i < WAITERS; i++) {
      String id = "m-" + i;
      waiting.put(
          id,
          CompletableFuture.supplyAsync(
              () -> files.writeInbound(dir, c -> InboundRows.insert(c, row(id))),
              runnable -> Thread.ofPlatform().start(runnable)));
    }
    Await.until("every write queued behind the first", WAIT, () -> files.waitingWrites(dir) == WAITERS);
    long commitsBefore = files.inboundCommits();

    release.countDown();

    assertEquals(Optional.of("m-first"), first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    for (Map.Entry<String, CompletableFuture<Optional<String>>> entry : waiting.entrySet()) {
      assertEquals(Optional.of(entry.getKey()), entry.getValue().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(2, files.inboundCommits() - commitsBefore, "the first write's commit, then one for the ten");
    assertEquals(WAITERS + 1, storedIds().size());
    assertEquals(0, files.waitingWrites(dir));
  }

  @Test
  void a_write_that_fails_in_a_group_fails_alone_and_the_others_are_stored() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Optional<String>> first = holdFile(release);
    List<CompletableFuture<Optional<String>>> good = new ArrayList<>();
    for (int i = 0; i < WAITERS - 1; i++) {
      String id = "m-" + i;
      good.add(
          CompletableFuture.supplyAsync(
              () -> files.writeInbound(dir, c -> InboundRows.insert(c, row(id))),
              runnable -> Thread.ofPlatform().start(runnable)));
    }
    CompletableFuture<Optional<String>> bad =
        CompletableFuture.supplyAsync(
            () ->
                files.writeInbound(
                    dir,
                    c -> {
                      InboundRows.insert(c, row("m-bad"));
                      Jdbc.update(c, "INSERT INTO no_such_table VALUES (1)");
                      return Optional.of("never");
                    }),
            runnable -> Thread.ofPlatform().start(runnable));
    Await.until("every write queued behind the first", WAIT, () -> files.waitingWrites(dir) == WAITERS);

    release.countDown();

    first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (CompletableFuture<Optional<String>> write : good) {
      assertTrue(write.get(WAIT.toSeconds(), TimeUnit.SECONDS).isPresent());
    }
    Throwable failure = bad.handle((value, error) -> error).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(StoreException.class, failure.getCause() != null ? failure.getCause() : failure);
    assertTrue(String.valueOf(failure.getMessage()).contains("no_such_table"), String.valueOf(failure));
    Set<String> stored = storedIds();
    assertEquals(WAITERS, stored.size(), "the first and the nine good ones: " + stored);
    assertTrue(!stored.contains("m-bad"), "the failed write's own insert is undone");
  }
}
