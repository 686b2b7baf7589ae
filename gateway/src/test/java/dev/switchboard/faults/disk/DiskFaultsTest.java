package dev.switchboard.faults.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.FaultReport;
import dev.switchboard.faults.StoreSnapshot;
import dev.switchboard.faults.WebhookTraffic;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data folder full or read-only, for real: the gateway's data folder is a small tmpfs. While
 * the store cannot write, webhooks answer 503 with Retry-After (never 202, never 500), the log
 * says why, and nothing is half-written; once the store can write again, work resumes without a
 * restart, every message answered 202 gets its reply, and every database passes SQLite's
 * integrity check. Mounting needs root; elsewhere the tests are skipped.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFaultsTest {
  private static final int TMPFS_MEGABYTES = 24;
  private static final int FAULT_MESSAGES = 8;
  private static final Duration FAULT_PACE = Duration.ofMillis(600);

  @TempDir Path folder;
  private final List<Path> mounts = new ArrayList<>();
  private Path backing;
  private GatewayProcess gateway;
  private WebhookTraffic traffic;
  private int sent;

  @BeforeEach
  void put_the_data_folder_on_a_small_tmpfs() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux");
    backing = Files.createDirectories(folder.resolve("tmpfs"));
    Mounts.Result mounted = Mounts.tmpfs(backing, TMPFS_MEGABYTES);
    assumeTrue(
        mounted.ok(),
        "mounting a tmpfs is not permitted here (it needs root): " + mounted.output());
    mounts.add(backing);
    gateway = GatewayProcess.withDefaultConfig(folder.resolve("gateway"));
    Path data = Files.createDirectories(gateway.dataDir());
    Mounts.Result bound = Mounts.bind(backing, data);
    assertTrue(bound.ok(), "bind the tmpfs to the data folder: " + bound.output());
    mounts.add(data);
    traffic = new WebhookTraffic(gateway::port, gateway.token(), List.of("disk-a", "disk-b", "disk-c"));
  }

  @AfterEach
  void stop_and_unmount() {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      List<String> failures = Mounts.detachAll(mounts);
      assertEquals(List.of(), failures, "unmounting");
    }
  }

  @Test
  void a_full_disk_is_answered_503_and_work_resumes_when_space_returns() throws Exception {
    Path filler = backing.resolve("filler");
    run(
        "data folder full (tmpfs)",
        () -> {
          fill(filler);
          return "data folder filled up";
        },
        () -> deleteFillers(filler),
        List.of("SQLITE_FULL", "database or disk is full", "No space left"));
  }

  @Test
  void a_read_only_data_folder_is_answered_503_and_work_resumes_when_it_is_writable_again()
      throws Exception {
    Path data = gateway.dataDir();
    run(
        "data folder read-only",
        () -> makeReadOnly(data),
        () -> makeWritable(data),
        List.of("READONLY", "read-only", "readonly", "Read-only", "CANTOPEN"));
  }

  private interface Fault {
    /** Injects the fault; returns how, for the report. */
    String inject() throws Exception;
  }

  private interface Step {
    void run() throws Exception;
  }

  private void run(String scenario, Fault fault, Step clear, List<String> reasons) throws Exception {
    gateway.start();
    traffic.sendAccepted("before", 12, () -> gateway.logTail(30));

    String how = fault.inject();
    long faultStarted = System.nanoTime();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < FAULT_MESSAGES; i++) {
      // The last message opens a chat never seen before: a new session folder.
      String chat = i == FAULT_MESSAGES - 1 ? "disk-new" : traffic.chatOf(i);
      String id = "during-" + i;
      WebhookTraffic.Posted posted = traffic.post(chat, id, "during the fault " + i);
      assertEquals(503, posted.status(), id + " during the fault: " + posted + "\n" + gateway.logTail(30));
      assertEquals("5", posted.retryAfter(), "503 comes with Retry-After");
      refused.add(id);
      // Spread over a few seconds, so that the work in flight (agents writing replies, deliveries)
      // runs into the fault too.
      Await.pause(FAULT_PACE);
    }
    assertTrue(
        StoreSnapshot.inboundIds(gateway.dataDir()).stream().noneMatch(id -> id.startsWith("during-")),
        "no refused message was stored");
    assertEquals(
        200,
        new dev.switchboard.faults.RawHttp(gateway.port(), Duration.ofSeconds(10))
            .get("/webhooks/webhook/chats/disk-a/messages?wait=0", java.util.Map.of("Authorization", "Bearer " + gateway.token()))
            .status(),
        "replies can still be read");
    String log = gateway.log();
    assertTrue(
        log.lines().anyMatch(line -> line.contains("could not store message") && reasons.stream().anyMatch(line::contains)),
        "the log says why the store cannot write (one of " + reasons + ")\n" + gateway.logTail(40));
    assertTrue(log.lines().noneMatch(line -> line.contains(gateway.token())), "no secret in the log");
    long faultSeconds = (System.nanoTime() - faultStarted) / 1_000_000_000L;

    clear.run();
    long cleared = System.nanoTime();
    for (String id : refused) {
      traffic.retryUntilStored(
          id.equals("during-" + (FAULT_MESSAGES - 1)) ? "disk-new" : traffic.chatOf(Integer.parseInt(id.substring(7))),
          id, Duration.ofMillis(200), Duration.ofSeconds(60), () -> gateway.logTail(40));
    }
    Duration recovery = Duration.ofNanos(System.nanoTime() - cleared);
    traffic.sendAccepted("after", 12, () -> gateway.logTail(30));

    WebhookTraffic.Outcome outcome = traffic.awaitReplies(Duration.ofSeconds(150));
    assertEquals(List.of(), outcome.lost(), "messages answered 202 without a reply\n" + gateway.logTail(60));
    assertEquals(List.of(), StoreSnapshot.integrityProblems(gateway.dataDir()), "SQLite integrity check");
    assertTrue(gateway.isAlive(), "the gateway ran through it without a restart");

    FaultReport.record(
        new FaultReport.Row(
            scenario,
            traffic.accepted(),
            "1× " + how + " for " + faultSeconds + " s; " + refused.size() + "× 503",
            outcome.lost().size(),
            outcome.repeated(),
            recovery,
            "503 with Retry-After while it lasted, never 202 or 500; the log names the cause;"
                + " integrity_check ok; no restart"));
  }


  private static void deleteFillers(Path filler) throws IOException {
    try (var files = Files.list(filler.getParent())) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith("filler")).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Writes until the tmpfs refuses: the data folder is then full. */
  private static void fill(Path filler) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("space")) {
        throw e;
      }
    }
    // Whatever bytes are left (less than a page per file) are taken by small files.
    for (int i = 0; ; i++) {
      try {
        Files.write(filler.resolveSibling("filler-" + i), new byte[4096]);
      } catch (IOException e) {
        break;
      }
    }
  }

  /**
   * {@code mount -o remount,ro} where Linux allows it. It does not while a process has a file of
   * the mount open for writing (EBUSY), which the gateway always has (the central database), so
   * then the data folder is swapped for a read-only bind of the same tmpfs: every file opened from
   * now on is read-only, while descriptors the gateway already holds stay writable ({@link
   * WriteFaultsTest} fails writes through those).
   */
  private String makeReadOnly(Path data) {
    Mounts.Result remounted = Mounts.remount(data, "bind,ro");
    if (remounted.ok()) {
      return "data folder remounted read-only";
    }
    // Made read-only where the gateway has nothing open, then bound over the data folder in one
    // step (a bind keeps the read-only flag): between a bind and its remount the gateway could
    // open a file for writing, and the remount would be refused.
    Path staging = folder.resolve("read-only");
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Mounts.Result readOnly = Mounts.bindReadOnly(backing, staging);
    assertTrue(readOnly.ok(), "a read-only bind of the tmpfs: " + readOnly.output());
    mounts.add(staging);
    Mounts.Result detached = Mounts.detach(data);
    assertTrue(detached.ok(), "detach the data folder: " + detached.output());
    Mounts.Result bound = Mounts.bind(staging, data);
    assertTrue(bound.ok(), "bind the read-only view on the data folder: " + bound.output());
    return "data folder read-only (a read-only bind: remount,ro is refused while files are open for writing)";
  }

  private void makeWritable(Path data) {
    Mounts.Result remounted = Mounts.remount(data, "bind,rw");
    assertTrue(remounted.ok(), "remount read-write: " + remounted.output());
  }

}
