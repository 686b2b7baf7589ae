package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.scheduling.ManualClock;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Delivery;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./switchboard tasks …} and {@code ./switchboard destinations …} on a real data folder. */
class CliTasksAndDestinationsTest {
  private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final ManualClock clock = ManualClock.at("2026-06-01T08:00:00Z");
  private String session;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("main", "echo");
    fx.agentGroup("other", "echo");
    session = fx.session("main", fx.messagingGroup("webhook", "demo"));
    fx.routing(session, "webhook", "demo", null);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  /** Runs a command; returns its exit code, its output in {@link #output()}. */
  private int run(String... args) {
    buffer.reset();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    return new Cli(fx.central(), fx.files(), clock, ZONE, out).run(Arrays.asList(args));
  }

  private String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private void schedule(String sessionId, String taskId, String prompt) {
    TaskRequests requests = new TaskRequests(fx.central(), fx.files(), clock, ZONE);
    assertInstanceOf(
        TaskRequests.Result.Applied.class,
        requests.apply(sessionId, fx.dir(sessionId),
            "{\"action\":\"schedule_task\",\"taskId\":\"" + taskId + "\",\"prompt\":\"" + prompt + "\","
                + "\"processAfter\":\"2026-06-02 07:00:00\",\"recurrence\":\"0 9 * * *\"}"));
  }

  private String rowStatus(String sessionId, String rowId) {
    return (String) fx.inboundRow(sessionId, rowId).get("status");
  }

  private String taskStatus(String taskId) {
    return fx.central().read(c -> ScheduledTasks.find(c, session, taskId)).orElseThrow().status();
  }

  private long routingVersion() {
    return fx.central().read(DestinationAcl::routingVersion);
  }

  /** The printed line that starts with these cells, split on the table's column gaps. */
  private List<String> line(String... start) {
    return output().lines()
        .map(l -> List.of(l.split("\\s{2,}")))
        .filter(cells -> cells.size() >= start.length && cells.subList(0, start.length).equals(List.of(start)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starting " + List.of(start) + " in:\n" + output()));
  }

  @Test
  void tasks_list_shows_scheduled_tasks_and_repeating_outbound_messages() {
    schedule(session, "t-morning", "summarise the news");
    fx.central().write(c -> {
      Deliveries.insertIfAbsent(
          c,
          new Delivery(session, "o-remind", 1, "chat", "{\"text\":\"stand up\"}", null, "webhook", "demo", null, 0,
              "2026-06-01 08:05:00.000", "*/5 * * * *"),
          "2026-06-01 08:00:00.000");
      return null;
    });

    assertEquals(0, run("tasks", "list"));

    assertEquals(
        List.of("t-morning", session, "pending", "2026-06-02 07:00:00", "0 9 * * *", "summarise the news"),
        line("t-morning"));
    assertEquals(
        List.of("o-remind", session, "scheduled", "2026-06-01 08:05:00.000", "*/5 * * * *"),
        line("o-remind"));
  }

  @Test
  void a_repeating_outbound_message_is_paused_resumed_and_cancelled_by_its_id() {
    insertRepeating("o-remind");

    assertEquals(0, run("tasks", "pause", "o-remind"));
    assertTrue(output().contains("paused scheduled message o-remind"), output());
    assertEquals("paused", deliveryStatus("o-remind"));
    assertTrue(dueNow().isEmpty(), "a paused message is never due");

    assertEquals(0, run("tasks", "resume", "o-remind"));
    assertEquals("scheduled", deliveryStatus("o-remind"));
    assertEquals(List.of("o-remind"), dueNow(), "resumed after its slot passed: due at once");

    assertEquals(0, run("tasks", "cancel", "o-remind"));
    assertTrue(output().contains("cancelled scheduled message o-remind"), output());
    assertEquals("cancelled", deliveryStatus("o-remind"));
    assertTrue(dueNow().isEmpty(), "a cancelled message goes out no more");
    run("tasks", "list");
    assertFalse(output().contains("o-remind"), "left out of the list:\n" + output());
    run("tasks", "list", "--all");
    assertEquals("cancelled", line("o-remind").get(2));
    assertEquals(1, run("tasks", "resume", "o-remind"), "a cancelled message stays cancelled");
  }

  @Test
  void an_agent_cancels_its_own_repeating_message_with_cancel_task() {
    insertRepeating("o-daily");
    TaskRequests requests = new TaskRequests(fx.central(), fx.files(), clock, ZONE);

    TaskRequests.Result result =
        requests.apply(session, fx.dir(session), "{\"action\":\"cancel_task\",\"taskId\":\"o-daily\"}");

    assertInstanceOf(TaskRequests.Result.Applied.class, result);
    assertEquals("cancelled", deliveryStatus("o-daily"));
    // Sent while it was being cancelled: the send is recorded, the message stays cancelled.
    fx.central().write(c -> {
      Deliveries.rearm(c, session, "o-daily", "p-9", "2026-06-02 08:00:00.000");
      return null;
    });
    assertEquals("cancelled", deliveryStatus("o-daily"));
  }

  private void insertRepeating(String id) {
    fx.central().write(c -> {
      Deliveries.insertIfAbsent(
          c,
          new Delivery(session, id, 1, "chat", "{\"text\":\"stand up\"}", null, "webhook", "demo", null, 0,
              "2026-06-01 07:55:00.000", "*/5 * * * *"),
          "2026-06-01 07:50:00.000");
      return null;
    });
  }

  private String deliveryStatus(String id) {
    return fx.central()
        .read(c -> Jdbc.queryOne(
            c, "SELECT status FROM deliveries WHERE session_id = ? AND message_out_id = ?",
            r -> r.getString(1), session, id))
        .orElseThrow();
  }

  private List<String> dueNow() {
    return fx.central()
        .read(c -> Deliveries.due(c, "2026-06-01 08:00:00.000", 100)).stream()
        .map(Delivery::messageOutId)
        .toList();
  }

  @Test
  void tasks_pause_and_resume_change_the_task_and_its_row() {
    schedule(session, "t-1", "p");

    assertEquals(0, run("tasks", "pause", "t-1"));
    assertTrue(output().contains("paused t-1"), output());
    assertEquals("paused", rowStatus(session, "t-1"));
    assertEquals("paused", taskStatus("t-1"));
    run("tasks", "list");
    assertEquals("paused", line("t-1").get(2));

    assertEquals(0, run("tasks", "resume", "t-1"));
    assertTrue(output().contains("resumed t-1"), output());
    assertEquals("pending", rowStatus(session, "t-1"));
    assertEquals("pending", taskStatus("t-1"));

    assertEquals(0, run("tasks", "cancel", "t-1"));
    assertEquals("cancelled", rowStatus(session, "t-1"));
    run("tasks", "list");
    assertFalse(output().contains("t-1"), "a cancelled task is left out:\n" + output());
    run("tasks", "list", "--all");
    assertEquals("cancelled", line("t-1").get(2));
  }

  @Test
  void a_task_id_in_two_sessions_needs_the_session_named() {
    String second = fx.session("main", fx.messagingGroup("webhook", "demo-2"));
    fx.routing(second, "webhook", "demo-2", null);
    schedule(session, "t-1", "p");
    schedule(second, "t-1", "p");

    assertEquals(1, run("tasks", "pause", "t-1"));
    assertTrue(output().startsWith("error: 't-1' exists in 2 sessions; name one with --session"), output());
    assertEquals("pending", rowStatus(session, "t-1"));

    assertEquals(0, run("tasks", "pause", "t-1", "--session", second));
    assertEquals("paused", rowStatus(second, "t-1"));
    assertEquals("pending", rowStatus(session, "t-1"));
  }

  @Test
  void an_unknown_task_is_an_error() {
    assertEquals(1, run("tasks", "cancel", "nope"));
    assertEquals(
        "error: no task or scheduled message 'nope'; ./switchboard tasks list --all shows them\n",
        output());
    assertEquals(1, run("tasks", "resume"));
    assertTrue(output().startsWith("error: missing <taskId>"), output());
    assertEquals(1, run("tasks", "pause", "t-1", "--session"));
    assertEquals("error: --session needs a value\n", output());
  }

  @Test
  void destinations_add_list_and_remove_manage_the_list_and_count_as_routing_changes() {
    long before = routingVersion();

    assertEquals(0, run("destinations", "add", "main", "ops", "--chat", "webhook", "ops-room"));
    assertTrue(output().contains("agent group main may now send to ops"), output());
    assertEquals(before + 1, routingVersion());
    assertEquals(0, run("destinations", "add", "main", "helper", "--agent", "other"));

    assertEquals(0, run("destinations", "list"));
    assertEquals(List.of("main", "ops", "channel", "webhook ops-room"), line("main", "ops"));
    assertEquals(List.of("main", "helper", "agent", "other"), line("main", "helper"));
    List<Map<String, Object>> acl =
        fx.centralRows("SELECT * FROM destination_acl WHERE agent_group_id = 'main' AND name = 'ops'");
    assertEquals("webhook", acl.get(0).get("channel_type"));
    assertEquals("ops-room", acl.get(0).get("platform_id"));

    assertEquals(0, run("destinations", "remove", "main", "ops"));
    assertEquals(before + 3, routingVersion());
    run("destinations", "list", "main");
    assertFalse(output().contains("ops-room"), output());
    assertTrue(output().contains("helper"), output());
  }

  @Test
  void destination_mistakes_are_errors_that_change_nothing() {
    long before = routingVersion();

    assertEquals(1, run("destinations", "add", "ghost", "ops", "--chat", "webhook", "ops-room"));
    assertTrue(output().startsWith("error: no agent group 'ghost'"), output());
    assertEquals(1, run("destinations", "add", "main", "ops"));
    assertTrue(output().contains("--chat <channel> <platformId> or --agent <targetFolder>"), output());
    assertEquals(1, run("destinations", "add", "main", "Bad Name", "--agent", "other"));
    assertTrue(output().contains("destination name 'Bad Name' is not valid"), output());
    assertEquals(1, run("destinations", "add", "main", "x", "--agent", "ghost"));
    assertEquals(1, run("destinations", "remove", "main", "never-added"));
    assertTrue(output().contains("has no destination 'never-added'"), output());

    assertEquals(List.of(), fx.centralRows("SELECT * FROM destination_acl WHERE name NOT LIKE 'test-%'"));
    assertEquals(before, routingVersion());
  }
}
