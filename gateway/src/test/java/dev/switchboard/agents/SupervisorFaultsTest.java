package dev.switchboard.agents;

import static dev.switchboard.delivery.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.agents.FakeProvider.FakeAgent;
import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.store.OutboundRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents that fail in ways a crash test does not show: alive but taking nothing, hung with their
 * outbound.db locked, and messages given up on, whose senders must hear of it.
 */
class SupervisorFaultsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final FakeProvider fake = new FakeProvider("fake", events);
  private final List<FailedMessage> failures = new CopyOnWriteArrayList<>();
  private Supervisor supervisor;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-fake", "fake");
  }

  @AfterEach
  void tearDown() {
    if (supervisor != null) {
      supervisor.close();
    }
    fx.close();
  }

  private Supervisor start(Duration heartbeatTimeout, int maxTries, Duration retryBackoff) {
    AgentSettings settings =
        new AgentSettings(4, LONG, heartbeatTimeout, Duration.ofSeconds(1), maxTries, ZoneId.of("UTC"), retryBackoff);
    Map<String, AgentProvider> providers = Map.of("fake", fake);
    supervisor =
        new Supervisor(
            fx.central(), fx.files(), providers, settings, Clock.systemUTC(), Duration.ofMillis(50),
            id -> {}, Duration.ofMillis(50), Duration.ofMillis(50), failures::add);
    supervisor.start();
    return supervisor;
  }

  private String session(String platformId) {
    return fx.session("ag-fake", fx.messagingGroup("discord", platformId));
  }

  private int tries(String session, String id) {
    return ((Number) fx.inboundRow(session, id).get("tries")).intValue();
  }

  /** Beats the agent's heartbeat every 50 ms until it exits. */
  private static void keepBeating(FakeAgent agent) {
    Thread.ofVirtual().start(() -> {
      while (!agent.exited()) {
        agent.beat();
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    });
  }

  @Test
  void an_agent_that_beats_but_takes_no_due_row_is_restarted_and_the_oldest_row_charged_a_try() {
    fake.onStart(SupervisorFaultsTest::keepBeating);
    String session = session("chan-1");
    start(Duration.ofMillis(500), 5, Duration.ofSeconds(10));
    fx.inboundChat(session, "m-1", "first");
    fx.inboundChat(session, "m-2", "second");
    supervisor.wake(session);

    await(WAIT, () -> fake.startedFor(session).size() >= 2, "the idle-handed agent is restarted");
    FakeAgent first = fake.startedFor(session).get(0);
    assertTrue(first.stopRequested(), "the supervisor ended it");
    await(WAIT, () -> tries(session, "m-1") == 1, "the row it stuck at is charged a try");
    assertEquals(0, tries(session, "m-2"), "the rows behind it are not");
    assertEquals("pending", fx.inboundRow(session, "m-1").get("status"));
  }

  @Test
  void an_agent_that_beats_and_works_its_rows_is_left_alone() throws Exception {
    String session = session("chan-1");
    fake.onStart(agent -> {
      keepBeating(agent);
      agent.takePending(); // working on every row: 'processing', never finished in this test
    });
    start(Duration.ofMillis(300), 5, Duration.ofSeconds(10));
    fx.inboundChat(session, "m-1", "slow work");
    supervisor.wake(session);

    await(WAIT, () -> fake.startedFor(session).size() == 1, "the agent starts");
    // Several checks of the slot (every 250 ms here) pass without the agent being ended.
    long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < until) {
      assertEquals(1, fake.startedFor(session).size(), "an agent working on its row is not restarted");
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
    assertEquals(0, tries(session, "m-1"));
  }

  @Test
  void a_message_failed_after_max_tries_is_reported_with_where_it_came_from() {
    fake.onStart(agent -> {
      agent.takePending();
      agent.crash();
    });
    String session = session("chan-1");
    start(LONG, 3, Duration.ofMillis(100));
    fx.inboundChat(session, "m-1", "hi");
    supervisor.wake(session);

    await(Duration.ofSeconds(15), () -> "failed".equals(fx.inboundRow(session, "m-1").get("status")),
        "the row fails after three deaths");
    assertEquals(3, tries(session, "m-1"), "the failed row counts every try");
    await(WAIT, () -> failures.size() == 1, "the failure is reported once");
    FailedMessage failed = failures.get(0);
    assertEquals(
        new FailedMessage(session, "m-1", "chat", "discord", "chan-1", null, 3, "exited while working on it"),
        failed);
    assertTrue(failed.fromChat());
    assertTrue(failed.notice().contains("could not be processed"), failed.notice());
  }

  @Test
  void an_agent_hung_with_its_outbound_db_locked_and_no_heartbeat_is_still_restarted() throws Exception {
    String session = session("chan-1");
    Path outbound = fx.dir(session).resolve("outbound.db");
    fake.onStart(FakeAgent::takePending);
    start(Duration.ofMillis(500), 5, Duration.ofSeconds(10));
    fx.inboundChat(session, "m-1", "hi");
    supervisor.wake(session);
    await(
        WAIT,
        () -> "processing".equals(
            fx.files().readOutbound(fx.dir(session), c -> OutboundRows.acks(c, List.of("m-1"))).get("m-1")),
        "the agent takes the row");
    await(WAIT, () -> supervisor.runningSessions().contains(session) && fake.startedFor(session).size() == 1,
        "and runs");
    FakeAgent hung = fake.startedFor(session).get(0);

    // The hung agent's write transaction: an exclusive lock that it holds until it is gone.
    try (Connection lock = SessionFixture.agentConnection(outbound);
        Statement s = lock.createStatement()) {
      s.execute("BEGIN EXCLUSIVE");
      // Reading its acks now waits for the busy timeout (5 s) and fails; its heartbeat decides.
      await(Duration.ofSeconds(20), hung::stopRequested, "the supervisor ends the hung agent");
      s.execute("ROLLBACK");
    }
    await(WAIT, () -> fake.startedFor(session).size() >= 2, "and starts it again");
    await(WAIT, () -> tries(session, "m-1") == 1, "the row it hung on is retried later");
  }
}
