package dev.switchboard.agents;

import static dev.switchboard.delivery.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.agents.FakeProvider.FakeAgent;
import dev.switchboard.delivery.OutboundIngest;
import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.store.AgentRuns;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor over real session files, with the echo provider and a scripted one. */
class SupervisorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final FakeProvider fake = new FakeProvider("fake", events);
  private final List<String> outboundHints = new CopyOnWriteArrayList<>();
  private Consumer<String> outboundListener = outboundHints::add;
  private Supervisor supervisor;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-fake", "fake");
    fx.agentGroup("ag-echo", "echo");
  }

  @AfterEach
  void tearDown() {
    if (supervisor != null) {
      supervisor.close();
    }
    fx.close();
  }

  private static AgentSettings settings(
      int maxRunning, Duration idleTimeout, Duration heartbeatTimeout, int maxTries) {
    return new AgentSettings(
        maxRunning, idleTimeout, heartbeatTimeout, Duration.ofSeconds(1), maxTries,
        ZoneId.of("Europe/Berlin"));
  }

  /** A started supervisor with a 50 ms tick, poll and first restart delay. */
  private Supervisor start(AgentSettings settings) {
    Map<String, AgentProvider> providers = Map.of("fake", fake, "echo", new EchoProvider());
    supervisor =
        new Supervisor(
            fx.central(), fx.files(), providers, settings, Clock.systemUTC(), Duration.ofMillis(50),
            id -> outboundListener.accept(id), Duration.ofMillis(50), Duration.ofMillis(50));
    supervisor.start();
    return supervisor;
  }

  private String session(String agentGroupId, String platformId) {
    return fx.session(agentGroupId, fx.messagingGroup("discord", platformId));
  }

  private String containerStatus(String sessionId) {
    return fx.central().read(c -> Sessions.byId(c, sessionId)).orElseThrow().containerStatus();
  }

  private List<AgentRuns.Run> runs() {
    return fx.central().read(AgentRuns::all);
  }

  private Map<String, Object> inbound(String sessionId, String id) {
    return fx.inboundRow(sessionId, id);
  }

  private static int number(Object value) {
    return ((Number) value).intValue();
  }

  @Test
  void the_echo_agent_answers_a_woken_session_and_the_host_copies_its_ack_without_another_wake() {
    String session = session("ag-echo", "chan-1");
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    fx.inboundChat(session, "m-1", "hello"); // seq 2
    fx.inboundChat(session, "m-2", "again"); // seq 4

    sv.wake(session);
    await(WAIT, () -> fx.outboundRows(session).size() == 2, "the echo agent answers both");

    await(
        WAIT,
        () -> "completed".equals(inbound(session, "m-2").get("status")),
        "the host copies the agent's acks into messages_in");
    assertEquals("completed", inbound(session, "m-1").get("status"));
    List<Map<String, Object>> replies = fx.outboundRows(session);
    Map<String, Object> first = replies.get(0);
    assertEquals("m-1", first.get("in_reply_to"));
    assertEquals("{\"text\":\"echo: hello\"}", first.get("content"));
    assertEquals("discord", first.get("channel_type"));
    assertEquals("chan-1", first.get("platform_id"));
    long lastSeq = 0;
    for (Map<String, Object> reply : replies) {
      long seq = number(reply.get("seq"));
      assertEquals(1, seq % 2, "agents write odd seqs");
      assertTrue(seq > 4 && seq > lastSeq, "above every seq of both tables: " + seq);
      lastSeq = seq;
    }
    List<Map<String, Object>> acks =
        fx.files().readOutbound(fx.dir(session), c -> SessionFixture.rows(c, "SELECT * FROM processing_ack"));
    assertEquals(2, acks.size());
    assertTrue(acks.stream().allMatch(a -> "completed".equals(a.get("status"))));

    assertEquals(List.of(session), sv.runningSessions());
    assertEquals("running", containerStatus(session));
    assertEquals(List.of(new AgentRuns.Run(session, "echo", "echo:" + session)), runs());
    await(WAIT, () -> outboundHints.contains(session), "the delivery part is told to look");
    assertEquals(
        Optional.of(new InboundRows.Routing("discord", "chan-1", null)),
        fx.files().readInbound(fx.dir(session), InboundRows::routing),
        "session_routing is written before the start");
  }

  @Test
  void the_launch_carries_the_session_contracts_environment() {
    String chat = fx.messagingGroup("discord", "chan-1");
    fx.central()
        .write(
            c -> {
              MessagingGroups.setAdmin(c, chat, "u-admin");
              return null;
            });
    String session = fx.session("ag-fake", chat);
    Supervisor sv = start(settings(4, LONG, LONG, 5));

    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 1, "the agent starts");

    AgentLaunch launch = fake.started().get(0).launch;
    Path dir = fx.dir(session).toAbsolutePath();
    assertEquals(dir, launch.sessionDir().toAbsolutePath());
    Map<String, String> env = launch.environment();
    assertEquals(dir.resolve("inbound.db").toString(), env.get("SESSION_INBOUND_DB_PATH"));
    assertEquals(dir.resolve("outbound.db").toString(), env.get("SESSION_OUTBOUND_DB_PATH"));
    assertEquals(dir.resolve(".heartbeat").toString(), env.get("SESSION_HEARTBEAT_PATH"));
    assertEquals("fake", env.get("AGENT_PROVIDER"));
    assertEquals("ag-fake", env.get("NANOCLAW_AGENT_GROUP_ID"));
    assertEquals("Agent ag-fake", env.get("NANOCLAW_AGENT_GROUP_NAME"));
    assertEquals("Agent ag-fake", env.get("NANOCLAW_ASSISTANT_NAME"));
    assertEquals("0", env.get("NANOCLAW_IS_ADMIN"));
    assertEquals("u-admin", env.get("NANOCLAW_ADMIN_USER_ID"));
    assertEquals("Europe/Berlin", env.get("TZ"));
    assertEquals("ag-fake", env.get("SWITCHBOARD_AGENT_GROUP_ID"));
  }

  @Test
  void with_one_slot_later_sessions_wait_for_the_running_agent_to_stop_and_start_in_wake_order() {
    fake.onStart(FakeAgent::completePending);
    String s1 = session("ag-fake", "chan-1");
    String s2 = session("ag-fake", "chan-2");
    String s3 = session("ag-fake", "chan-3");
    Supervisor sv = start(settings(1, Duration.ofMillis(300), LONG, 5));
    for (String s : List.of(s1, s2, s3)) {
      // No pending flag: only the wakes below, in their order, tell the supervisor.
      fx.inboundChatUnflagged(s, "m-" + s, "hi");
    }

    sv.wake(s2);
    sv.wake(s3);
    sv.wake(s1);
    assertEquals(List.of(s2), sv.runningSessions());
    assertEquals(2, sv.queued());

    await(WAIT, () -> events.contains("exit " + s1), "all three agents run, one after another");
    assertEquals(
        List.of("start " + s2, "exit " + s2, "start " + s3, "exit " + s3, "start " + s1, "exit " + s1),
        events);
    assertTrue(
        fake.started().stream().allMatch(FakeAgent::stopRequested), "each was stopped as idle");
    // Each stopped agent's statuses are written by the clean-up after its exit.
    await(
        WAIT,
        () -> List.of(s1, s2, s3).stream().allMatch(s -> "completed".equals(inbound(s, "m-" + s).get("status"))),
        "every row is completed");
  }

  @Test
  void a_row_an_agent_died_on_is_retried_with_growing_backoff_and_failed_after_max_tries() {
    fake.onStart(FakeAgent::takePending);
    String session = session("ag-fake", "chan-1");
    Supervisor sv = start(settings(4, LONG, LONG, 3));
    fx.inboundChat(session, "m-1", "hi");

    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 1, "the agent starts");
    await(WAIT, () -> "running".equals(containerStatus(session)), "it is recorded as running");
    Instant died = Instant.now();
    fake.started().get(0).crash();

    await(WAIT, () -> number(inbound(session, "m-1").get("tries")) == 1, "the row's try is counted");
    assertRetriedAbout(session, died, Duration.ofSeconds(10)); // 5 s × 2^1
    await(WAIT, () -> "stopped".equals(containerStatus(session)) || fake.started().size() > 1,
        "the dead agent is recorded as stopped");

    await(WAIT, () -> fake.started().size() == 2, "the agent is started again");
    died = Instant.now();
    fake.started().get(1).crashWith(new IllegalStateException("segfault"));
    await(WAIT, () -> number(inbound(session, "m-1").get("tries")) == 2, "the second try is counted");
    assertRetriedAbout(session, died, Duration.ofSeconds(20)); // 5 s × 2^2

    await(WAIT, () -> fake.started().size() == 3, "and started once more");
    fake.started().get(2).crash();
    await(
        WAIT,
        () -> "failed".equals(inbound(session, "m-1").get("status")),
        "after max tries the row fails");
    assertTrue(fake.started().stream().noneMatch(FakeAgent::stopRequested), "they all crashed");
  }

  private void assertRetriedAbout(String session, Instant died, Duration backoff) {
    Map<String, Object> row = inbound(session, "m-1");
    assertEquals("pending", row.get("status"));
    Instant processAfter = Times.parse((String) row.get("process_after"));
    Instant expected = died.plus(backoff);
    assertTrue(
        processAfter.isAfter(expected.minusMillis(1500)) && processAfter.isBefore(expected.plusMillis(1500)),
        "process_after " + processAfter + " is about " + expected);
  }

  @Test
  void an_agent_with_work_and_a_stale_heartbeat_is_stopped_and_started_again() {
    String silent = session("ag-fake", "chan-1");
    String beating = session("ag-fake", "chan-2");
    fake.onStart(
        agent -> {
          agent.takePending();
          if (agent.sessionId().equals(beating)) {
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (!agent.exited()) {
                        agent.beat();
                        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                      }
                    });
          }
        });
    Supervisor sv = start(settings(4, LONG, Duration.ofMillis(500), 5));
    fx.inboundChat(silent, "m-1", "hi");
    fx.inboundChat(beating, "m-2", "hi");

    sv.wake(silent);
    sv.wake(beating);
    await(WAIT, () -> fake.startedFor(silent).size() >= 2, "the silent agent is restarted");

    FakeAgent first = fake.startedFor(silent).get(0);
    FakeAgent second = fake.startedFor(silent).get(1);
    assertTrue(first.stopRequested(), "the supervisor stopped it");
    assertTrue(
        Duration.between(first.startedAt, second.startedAt).toMillis() >= 500,
        "not before its heartbeat timed out");
    assertEquals(1, fake.startedFor(beating).size(), "an agent that beats is left alone");
    assertFalse(fake.startedFor(beating).get(0).stopRequested());
    Map<String, Object> row = inbound(silent, "m-1");
    assertEquals("pending", row.get("status"));
    assertTrue(number(row.get("tries")) >= 1, "the row it was working on is retried later");
    assertEquals(0, number(inbound(beating, "m-2").get("tries")));
  }

  @Test
  void an_agents_final_ack_is_copied_into_the_row_status() {
    fake.onStart(
        agent -> {
          SessionFixture.ack(agent.launch.outboundDb(), "m-1", "completed");
          SessionFixture.ack(agent.launch.outboundDb(), "m-2", "failed");
        });
    String session = session("ag-fake", "chan-1");
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    fx.inboundChat(session, "m-1", "hi");
    fx.inboundChat(session, "m-2", "hi");

    sv.wake(session);
    await(
        WAIT,
        () -> "failed".equals(inbound(session, "m-2").get("status")),
        "the failed ack is copied");
    assertEquals("completed", inbound(session, "m-1").get("status"));
  }

  @Test
  void an_agent_that_fails_to_start_is_started_again_later() {
    String session = session("ag-fake", "chan-1");
    fake.onStart(
        agent -> {
          if (fake.started().size() == 1) {
            throw new IllegalStateException("image not found");
          }
        });
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    fx.inboundChat(session, "m-1", "hi");

    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 2, "a second start follows the failed one");
    await(WAIT, () -> "running".equals(containerStatus(session)), "and that one runs");
    assertEquals(List.of(session), sv.runningSessions());
  }

  @Test
  void an_agent_whose_start_cannot_be_recorded_is_stopped_and_started_again_later() {
    String session = session("ag-fake", "chan-1");
    fake.onStart(
        agent -> {
          // The first agent starts, then the central database refuses to record its run (as a
          // failing disk would); by the second start it takes writes again.
          String sql =
              fake.started().size() == 1
                  ? "ALTER TABLE agent_runs RENAME TO agent_runs_unwritable"
                  : "ALTER TABLE agent_runs_unwritable RENAME TO agent_runs";
          fx.central().write(c -> {
            try (java.sql.Statement s = c.createStatement()) {
              s.execute(sql);
            }
            return null;
          });
        });
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    fx.inboundChat(session, "m-1", "hi");

    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 2, "a second start follows the unrecorded one");
    await(WAIT, () -> "running".equals(containerStatus(session)), "and that one runs");
    assertTrue(fake.started().get(0).stopRequested(), "the agent whose run was not recorded is stopped");
    assertFalse(fake.started().get(1).stopRequested(), "the second one runs");
    assertEquals(List.of(session), sv.runningSessions());
  }

  @Test
  void start_cleans_up_what_a_previous_run_left_running_and_reads_what_it_wrote() {
    String session = session("ag-fake", "chan-1");
    String orphan = session("ag-fake", "chan-2");
    fx.routing(session, "discord", "chan-1", null);
    fx.central()
        .write(
            c -> {
              Sessions.setContainerStatus(c, session, "running");
              AgentRuns.record(c, new AgentRuns.Run(session, "fake", "proc-42"), SessionFixture.now());
              AgentRuns.record(c, new AgentRuns.Run(orphan, "uninstalled", "x-1"), SessionFixture.now());
              return null;
            });
    // What the previous run's agent wrote after the gateway died.
    fx.outbound(session, Out.text("o1", 1, "late reply"));
    OutboundIngest ingest = new OutboundIngest(fx.central(), fx.files(), Clock.systemUTC(), () -> {});
    outboundListener = id -> {
      outboundHints.add(id);
      ingest.ingest(id);
    };

    start(settings(4, LONG, LONG, 5));

    assertEquals(List.of("proc-42"), fake.cleanedUp());
    assertEquals("stopped", containerStatus(session));
    assertEquals(List.of(), runs());
    assertTrue(outboundHints.contains(session));
    assertEquals("pending", fx.deliveryStatus(session, "o1"), "the unsent reply is taken in");
    assertTrue(fake.started().isEmpty(), "nothing to do, so no agent is started");
  }

  @Test
  void close_stops_running_agents_and_leaves_no_supervisor_threads() {
    String s1 = session("ag-fake", "chan-1");
    String s2 = session("ag-fake", "chan-2");
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    sv.wake(s1);
    sv.wake(s2);
    await(
        WAIT,
        () -> "running".equals(containerStatus(s1)) && "running".equals(containerStatus(s2)),
        "both agents run");

    sv.close();
    supervisor = null;

    assertEquals(2, fake.started().size());
    assertTrue(fake.started().stream().allMatch(a -> a.stopRequested() && a.exited()));
    assertEquals("stopped", containerStatus(s1));
    assertEquals("stopped", containerStatus(s2));
    assertEquals(List.of(), runs());
    Set<String> left =
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(Set.of("supervisor-timer", "session-watcher", "session-poller")::contains)
            .collect(Collectors.toSet());
    assertEquals(Set.of(), left);
    sv.wake(s1);
    assertEquals(2, fake.started().size(), "a wake after close starts nothing");
  }

  @Test
  void close_waits_for_an_agent_that_is_still_starting_and_stops_it() throws Exception {
    CountDownLatch starting = new CountDownLatch(1);
    fake.onStart(agent -> awaitQuietly(starting)); // a slow provider: pulling an image, say
    String session = session("ag-fake", "chan-1");
    Supervisor sv = start(settings(4, LONG, LONG, 5));
    sv.wake(session);
    await(WAIT, () -> fake.started().size() == 1, "the provider is starting the agent");

    Thread closing = Thread.ofPlatform().start(sv::close);
    supervisor = null;
    await(
        WAIT,
        () -> closing.getState() != Thread.State.RUNNABLE && closing.getState() != Thread.State.NEW,
        "close() either returned or waits");
    FakeAgent agent = fake.started().get(0);
    boolean returnedEarly = closing.getState() == Thread.State.TERMINATED;
    boolean stoppedThen = agent.stopRequested();
    starting.countDown();
    closing.join(WAIT);

    assertFalse(returnedEarly && !stoppedThen, "close() returned with the agent still starting");
    assertTrue(agent.stopRequested() && agent.exited(), "the agent is stopped by the time close returns");
    assertFalse(closing.isAlive());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
