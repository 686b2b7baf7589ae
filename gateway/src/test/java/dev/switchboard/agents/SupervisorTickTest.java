package dev.switchboard.agents;

import static dev.switchboard.delivery.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.admin.Cli;
import dev.switchboard.agents.FakeProvider.FakeAgent;
import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.Times;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's tick: scheduled wakes, destinations rewritten after routing changes, idle agents
 * yielding their slot.
 */
class SupervisorTickTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final FakeProvider fake = new FakeProvider("fake", events);
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

  /** A started supervisor with a 50 ms tick. */
  private Supervisor start(int maxRunning, Duration idleTimeout) {
    AgentSettings settings =
        new AgentSettings(maxRunning, idleTimeout, LONG, Duration.ofSeconds(1), 5, ZoneId.of("UTC"));
    Map<String, AgentProvider> providers = Map.of("fake", fake);
    supervisor =
        new Supervisor(
            fx.central(), fx.files(), providers, settings, Clock.systemUTC(), Duration.ofMillis(50),
            id -> {}, Duration.ofMillis(50), Duration.ofMillis(50));
    supervisor.start();
    return supervisor;
  }

  private String session(String platformId) {
    return fx.session("ag-fake", fx.messagingGroup("discord", platformId));
  }

  private List<Map<String, Object>> destinations(String sessionId) {
    return fx.files().readInbound(fx.dir(sessionId), c -> SessionFixture.rows(c, "SELECT * FROM destinations"));
  }

  private boolean hasDestination(String sessionId, String name) {
    return destinations(sessionId).stream().anyMatch(d -> name.equals(d.get("name")));
  }

  private int cli(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new Cli(fx.central(), fx.files(), Clock.systemUTC(), ZoneId.of("UTC"),
            new PrintStream(buffer, true, StandardCharsets.UTF_8))
        .run(List.of(args));
  }

  /** Acks 'completed' the rows that are due now, as an agent following the contract would. */
  private static List<String> completeDue(FakeAgent agent) {
    List<String> ids = new ArrayList<>();
    try (Connection c = SessionFixture.agentConnection(agent.launch.inboundDb());
        Statement statement = c.createStatement();
        ResultSet r =
            statement.executeQuery(
                "SELECT id FROM messages_in WHERE status = 'pending'"
                    + " AND (process_after IS NULL OR process_after <= datetime('now'))")) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    ids.forEach(id -> SessionFixture.ack(agent.launch.outboundDb(), id, "completed"));
    return ids;
  }

  @Test
  void a_scheduled_task_wakes_its_stopped_session_at_its_second_and_not_before() {
    Map<String, Instant> doneBy = new ConcurrentHashMap<>();
    fake.onStart(agent -> {
      Instant started = Instant.now();
      completeDue(agent).forEach(id -> doneBy.put(id, started));
    });
    String session = session("chan-1");
    fx.routing(session, "discord", "chan-1", null);
    Supervisor sv = start(4, Duration.ofMillis(300));
    Instant due = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);

    new TaskRequests(fx.central(), fx.files(), Clock.systemUTC(), ZoneId.of("UTC"))
        .apply(session, fx.dir(session),
            "{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\""
                + Times.formatSeconds(due) + "\"}");

    await(WAIT, () -> doneBy.containsKey("t-1"), "an agent is started for the task when it falls due");
    Instant ranAt = doneBy.get("t-1");
    assertFalse(ranAt.isBefore(due), "not before its time: " + ranAt + " < " + due);
    assertTrue(ranAt.isBefore(due.plusMillis(2500)), "within a second or two of it: " + ranAt);
    await(WAIT, () -> "completed".equals(fx.inboundRow(session, "t-1").get("status")), "the ack is copied");
    assertTrue(sv.runningSessions().size() <= 1);
  }

  @Test
  void a_running_sessions_destinations_are_rewritten_soon_after_the_destination_list_changes() {
    String session = session("chan-1");
    Supervisor sv = start(4, LONG);
    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 1, "the agent starts");
    assertFalse(hasDestination(session, "ops"));

    assertEquals(0, cli("destinations", "add", "ag-fake", "ops", "--chat", "webhook", "ops-room"));

    await(Duration.ofSeconds(2), () -> hasDestination(session, "ops"), "the running session sees the new destination");
    Map<String, Object> ops =
        destinations(session).stream().filter(d -> "ops".equals(d.get("name"))).findFirst().orElseThrow();
    assertEquals("channel", ops.get("type"));
    assertEquals("webhook", ops.get("channel_type"));
    assertEquals("ops-room", ops.get("platform_id"));
    assertEquals(1, fake.started().size(), "without a restart of the agent");

    assertEquals(0, cli("destinations", "remove", "ag-fake", "ops"));
    await(Duration.ofSeconds(2), () -> !hasDestination(session, "ops"), "and stops seeing a removed one");
  }

  @Test
  void a_channel_wired_with_a_star_lists_only_the_sessions_own_chat_and_an_agent_shared_session_lists_them_all() {
    String a = fx.messagingGroup("discord", "chan-a");
    fx.messagingGroup("discord", "chan-b");
    fx.messagingGroup("slack", "C-ops");
    assertEquals(0, cli("wire", "discord", "*", "ag-fake"));
    assertEquals(0, cli("wire", "slack", "C-ops", "ag-fake"));
    String own = fx.session("ag-fake", a);
    String shared = fx.session("ag-fake", null);
    Supervisor sv = start(4, LONG);

    sv.wake(own);
    sv.wake(shared);
    await(WAIT, () -> fake.started().size() == 2, "both agents start");

    assertEquals(
        List.of("C-ops", "chan-a"),
        destinations(own).stream().map(d -> (String) d.get("platform_id")).sorted().toList(),
        "the session's own chat and the chat wired by name, not the other chats of the * channel");
    assertEquals(
        List.of("C-ops", "chan-a", "chan-b"),
        destinations(shared).stream().map(d -> (String) d.get("platform_id")).sorted().toList(),
        "an agent-shared session answers every chat of the group, so it is shown them all");
  }

  @Test
  void a_running_agent_shared_session_is_shown_the_chats_of_a_channel_wired_with_a_star_soon_after() {
    fx.messagingGroup("discord", "chan-a");
    String shared = fx.session("ag-fake", null);
    Supervisor sv = start(4, LONG);
    sv.wake(shared);
    await(WAIT, () -> fake.started().size() == 1, "the agent starts");
    assertFalse(platformIds(shared).contains("chan-a"));

    assertEquals(0, cli("wire", "discord", "*", "ag-fake"));

    await(Duration.ofSeconds(2), () -> platformIds(shared).contains("chan-a"), "the running session lists chan-a");
    assertEquals(1, fake.started().size(), "without a restart of the agent");
  }

  private List<String> platformIds(String session) {
    return destinations(session).stream().map(d -> (String) d.get("platform_id")).toList();
  }

  @Test
  void with_one_slot_an_idle_agent_yields_to_a_waiting_session_long_before_its_idle_timeout() {
    fake.onStart(FakeAgent::completePending);
    String first = session("chan-1");
    String second = session("chan-2");
    Supervisor sv = start(1, LONG);
    fx.inboundChat(first, "m-1", "hi");
    sv.wake(first);
    await(WAIT, () -> "completed".equals(fx.inboundRow(first, "m-1").get("status")), "the first agent is done");

    long queuedAt = System.nanoTime();
    fx.inboundChat(second, "m-2", "hi");
    sv.wake(second);
    assertEquals(List.of(first), sv.runningSessions());

    await(WAIT, () -> fake.startedFor(second).size() == 1, "the waiting session gets the slot");
    long waitedMillis = (System.nanoTime() - queuedAt) / 1_000_000;
    assertTrue(waitedMillis < 5_000, "after the 2 s yield, not the 30 s idle timeout: " + waitedMillis + " ms");
    assertTrue(fake.startedFor(first).get(0).stopRequested(), "the idle agent was stopped");
    assertEquals(List.of("start " + first, "exit " + first, "start " + second), events.subList(0, 3));
    await(WAIT, () -> "completed".equals(fx.inboundRow(second, "m-2").get("status")), "and its message is handled");
  }
}
