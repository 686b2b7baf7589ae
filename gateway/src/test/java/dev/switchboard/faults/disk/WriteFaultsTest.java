package dev.switchboard.faults.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.FaultReport;
import dev.switchboard.faults.RawHttp;
import dev.switchboard.faults.StoreSnapshot;
import dev.switchboard.faults.WebhookTraffic;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk turning read-only (EROFS) or failing (EIO) under the running gateway: every write to a
 * file of its data folder fails, through the descriptors it already holds too (the central
 * database and its WAL, the session files its connections and the agents keep open, the reply
 * feeds). A read-only mount cannot do that (see {@link WriteFaults}). While it lasts, webhooks
 * answer 503 with Retry-After (never 202, never 500, never a dropped connection), nothing refused
 * is stored, replies can still be read, and the log says why; once writes succeed again, work
 * resumes without a restart, every message answered 202 gets exactly one reply, and every database
 * passes SQLite's integrity check. Needs strace and ptrace; elsewhere the tests are skipped.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WriteFaultsTest {
  private static final List<String> CHATS = List.of("fault-a", "fault-b", "fault-c");
  private static final String NEW_CHAT = "fault-new";
  private static final int FAULT_MESSAGES = 8;
  private static final Duration FAULT_PACE = Duration.ofMillis(600);
  private static final Duration RETRY_PACE = Duration.ofMillis(200);
  private static final Duration BURST_PACE = Duration.ofMillis(40);

  @TempDir Path folder;
  private GatewayProcess gateway;
  private WebhookTraffic traffic;
  private WriteFaults faults;
  private final List<Connection> holds = new ArrayList<>();

  @BeforeEach
  void needs_strace_and_ptrace() {
    assumeTrue(Path.of("/proc/self").toFile().isDirectory(), "needs Linux");
    Optional<String> why = WriteFaults.whyUnavailable();
    assumeTrue(why.isEmpty(), () -> "cannot inject write faults with strace here: " + why.orElseThrow());
    gateway = GatewayProcess.withDefaultConfig(folder.resolve("gateway"));
    traffic = new WebhookTraffic(gateway::port, gateway.token(), CHATS);
  }

  @AfterEach
  void detach_and_stop() throws SQLException {
    try {
      if (faults != null) {
        faults.close();
      }
    } finally {
      try {
        if (gateway != null) {
          gateway.close();
        }
      } finally {
        releaseAgents();
      }
    }
  }

  @Test
  void writes_failing_with_erofs_on_open_files_are_answered_503_and_work_resumes_when_they_succeed_again()
      throws Exception {
    run(
        "disk read-only under open files (EROFS, strace)",
        "EROFS",
        List.of("disk I/O error", "IOERR", "READONLY", "read-only", "Read-only"));
  }

  @Test
  void writes_failing_with_eio_on_open_files_are_answered_503_and_work_resumes_when_they_succeed_again()
      throws Exception {
    run(
        "disk failing under open files (EIO, strace)",
        "EIO",
        List.of("disk I/O error", "IOERR", "Input/output error"));
  }

  private void run(String scenario, String errno, List<String> reasons) throws Exception {
    long started = System.nanoTime();
    gateway.start();
    // Every chat has its session files, its reply feed and an agent holding its files open.
    traffic.sendAccepted("before", 12, () -> gateway.logTail(30));
    assertEquals(List.of(), traffic.awaitReplies(Duration.ofSeconds(90)).lost(), "replies before the fault");
    Path data = gateway.dataDir();
    List<Path> paths = WriteFaults.pathsUnder(data);

    long held = System.nanoTime();
    holdAgents(data);
    traffic.sendAccepted("held", CHATS.size(), () -> gateway.logTail(30));
    Burst burst = new Burst();
    Await.until("the burst is under way", Duration.ofSeconds(30), () -> burst.sent.size() >= 6);
    faults = WriteFaults.attach(gateway.pid(), paths, errno, folder.resolve("injected.trace"));
    long attached = System.nanoTime();
    releaseAgents();
    Duration heldFor = Duration.ofNanos(System.nanoTime() - held);
    List<Sent> refused = new ArrayList<>(burst.stopAfterPostsSince(attached, 4));
    refused.addAll(sendDuringTheFault());
    checkDuringTheFault(data, refused, reasons);

    faults.close();
    long cleared = System.nanoTime();
    Map<String, Long> byFile = faults.count(WriteFaultsTest::fileKind);
    assertTrue(
        byFile.getOrDefault("central database", 0L) > 0,
        "writes to the central database were failed: " + byFile + " " + faults.messages());
    assertTrue(
        byFile.getOrDefault("outbound.db", 0L) > 0,
        "the held agents' writes were failed (held " + seconds(heldFor) + ", within their 5 s busy"
            + " timeout?): " + byFile + "\n" + gateway.logTail(40));
    for (Sent sent : refused) {
      traffic.retryUntilStored(sent.chat(), sent.id(), RETRY_PACE, Duration.ofSeconds(60), () -> gateway.logTail(40));
    }
    Duration recovery = Duration.ofNanos(System.nanoTime() - cleared);
    traffic.sendAccepted("after", 12, () -> gateway.logTail(30));

    WebhookTraffic.Outcome outcome = traffic.awaitReplies(Duration.ofSeconds(150));
    Duration replied = Duration.ofNanos(System.nanoTime() - cleared);
    assertEquals(List.of(), outcome.lost(), "messages answered 202 without a reply\n" + gateway.logTail(60));
    assertEquals(0, outcome.repeated(), "replies sent twice");
    assertEquals(List.of(), StoreSnapshot.integrityProblems(data), "SQLite integrity check");
    assertTrue(gateway.isAlive(), "the gateway ran through it without a restart");
    checkLog();

    long total = byFile.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> bySyscall = faults.count(line -> line.replaceFirst("^\\d+\\s+", "").split("\\(", 2)[0]);
    FaultReport.record(
        new FaultReport.Row(
            scenario,
            traffic.accepted(),
            total + " writes failed with " + errno + " over " + seconds(faults.duration()) + " ("
                + describe(byFile) + "; " + describe(bySyscall) + "); " + refused.size() + "× 503",
            outcome.lost().size(),
            outcome.repeated(),
            recovery,
            "strace fault injection on the running gateway, by path, on descriptors already open;"
                + " agents held with work in hand for " + seconds(heldFor) + " across the start;"
                + " 503 with Retry-After while it lasted, never 202, 500 or a dropped connection;"
                + " the log names the cause; every message answered 202 replied to exactly once,"
                + " all within " + seconds(replied) + " of the fault's end; integrity_check ok on"
                + " every database; no restart; " + seconds(Duration.ofNanos(System.nanoTime() - started))
                + " run"));
  }

  /**
   * Agents with work in hand when the fault begins: each session's outbound.db is locked here
   * (EXCLUSIVE: with a reserved lock the agent's read-then-write transaction would fail at once
   * with SQLITE_BUSY), so an agent woken by a new message waits, within its busy timeout, to read,
   * and writes its reply only once the locks are released, after the fault has begun.
   */
  private void holdAgents(Path data) throws SQLException {
    for (Path inbound : StoreSnapshot.inboundFiles(data)) {
      Connection hold = DriverManager.getConnection("jdbc:sqlite:" + inbound.resolveSibling("outbound.db"));
      holds.add(hold);
      try (Statement s = hold.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
      }
    }
  }

  private void releaseAgents() throws SQLException {
    for (Connection hold : holds) {
      try (Statement s = hold.createStatement()) {
        s.execute("ROLLBACK");
      }
      hold.close();
    }
    holds.clear();
  }

  /** Messages one after another, on a thread of their own, across the moment the fault begins. */
  private final class Burst {
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    String chat = traffic.chatOf(i);
                    String id = "burst-" + i;
                    long at = System.nanoTime();
                    sent.add(new Sent(chat, id, at, traffic.post(chat, id, "burst " + i)));
                    Await.pause(BURST_PACE);
                  }
                });

    /**
     * Stops once {@code count} posts went out after {@code faultStart}; checks that each was
     * answered 202 or 503 with Retry-After, and 503 if posted during the fault. Returns the refused.
     */
    List<Sent> stopAfterPostsSince(long faultStart, int count) throws InterruptedException {
      Await.until(
          "posts of the burst went out during the fault",
          Duration.ofSeconds(30),
          () -> sent.stream().filter(p -> p.at() > faultStart).count() >= count);
      stop.set(true);
      assertTrue(sender.join(Duration.ofSeconds(30)), "the burst ended");
      List<Sent> refused = new ArrayList<>();
      for (Sent post : sent) {
        int status = post.posted().status();
        assertTrue(status == 202 || status == 503, post + " is answered 202 or 503\n" + gateway.logTail(30));
        if (post.at() > faultStart) {
          assertEquals(503, status, post + " was posted during the fault\n" + gateway.logTail(30));
        }
        if (status == 503) {
          assertEquals("5", post.posted().retryAfter(), "503 comes with Retry-After");
          refused.add(post);
        }
      }
      return refused;
    }
  }

  /** Posts spread over a few seconds, so that retries of the work in flight meet the fault too. */
  private List<Sent> sendDuringTheFault() {
    List<Sent> refused = new ArrayList<>();
    for (int i = 0; i < FAULT_MESSAGES; i++) {
      // The last message opens a chat never seen before: a new session would be made.
      String chat = i == FAULT_MESSAGES - 1 ? NEW_CHAT : traffic.chatOf(i);
      String id = "during-" + i;
      WebhookTraffic.Posted posted = traffic.post(chat, id, "during the fault " + i);
      assertEquals(503, posted.status(), id + " during the fault: " + posted + "\n" + gateway.logTail(30));
      assertEquals("5", posted.retryAfter(), "503 comes with Retry-After");
      refused.add(new Sent(chat, id, System.nanoTime(), posted));
      Await.pause(FAULT_PACE);
    }
    return refused;
  }

  private void checkDuringTheFault(Path data, List<Sent> refused, List<String> reasons) throws Exception {
    Set<String> refusedIds = refused.stream().map(Sent::id).collect(Collectors.toSet());
    assertTrue(
        StoreSnapshot.inboundIds(data).stream().noneMatch(refusedIds::contains),
        "no refused message was stored");
    RawHttp.Answer feed =
        new RawHttp(gateway.port(), Duration.ofSeconds(10))
            .get(
                "/webhooks/webhook/chats/" + CHATS.get(0) + "/messages?wait=0",
                Map.of("Authorization", "Bearer " + gateway.token()));
    assertEquals(200, feed.status(), "replies can still be read: " + feed);
    assertTrue(gateway.isAlive(), "the gateway is up during the fault\n" + gateway.logTail(40));
    assertTrue(
        gateway.log().lines()
            .anyMatch(line -> line.contains("could not store message") && reasons.stream().anyMatch(line::contains)),
        "the log says why the store cannot write (one of " + reasons + ")\n" + gateway.logTail(40));
  }

  private void checkLog() {
    String log = gateway.log();
    assertTrue(log.lines().noneMatch(line -> line.contains(gateway.token())), "no secret in the log");
    // SQLite rolls a transaction back by itself on an I/O error; a rollback or savepoint release
    // after that fails, and its message must not stand in for the cause.
    assertEquals(
        List.of(),
        log.lines().filter(line -> line.contains("no transaction is active") || line.contains("no such savepoint")).toList(),
        "failures logged with a rollback's error instead of their cause");
  }

  /** A post and when it went out. */
  private record Sent(String chat, String id, long at, WebhookTraffic.Posted posted) {}


  /** Which of the gateway's files an injected fault hit, from its trace line ({@code fd</path>}). */
  private static String fileKind(String line) {
    if (line.contains("/switchboard.db")) {
      return "central database";
    }
    if (line.contains("/inbound.db")) {
      return "inbound.db";
    }
    if (line.contains("/outbound.db")) {
      return "outbound.db";
    }
    if (line.contains("/.heartbeat")) {
      return "heartbeats";
    }
    if (line.contains("/sessions/")) {
      return "session folders";
    }
    if (line.contains("/channels/")) {
      return "reply feeds";
    }
    return "other";
  }

  private static String describe(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }
}
