package dev.switchboard.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.scheduling.ManualClock;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recurring task rows as the host's ack sync finishes them: the next occurrence, computed from the
 * scheduled time in the gateway's zone, and the catch-up rule for slots missed while it was down.
 */
class RecurringTasksTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final ManualClock clock = ManualClock.at("2026-03-10T07:00:00Z");
  private TaskRequests tasks;
  private AckSync acks;
  private String session;
  private Path dir;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
    session = fx.session("ag-1", fx.messagingGroup("discord", "chan-1"));
    fx.routing(session, "discord", "chan-1", null);
    dir = fx.dir(session);
    tasks = new TaskRequests(fx.central(), fx.files(), clock, BERLIN);
    acks = new AckSync(fx.central(), fx.files(), clock, BERLIN);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private void schedule(String json) {
    assertInstanceOf(TaskRequests.Result.Applied.class, tasks.apply(session, dir, json));
  }

  /** The agent finishes a row: its final ack, then the host's sync. */
  private AckSync.Left complete(String rowId) {
    SessionFixture.ack(dir.resolve("outbound.db"), rowId, "completed");
    return acks.sync(session, dir);
  }

  private List<Map<String, Object>> pendingTaskRows() {
    return fx.inboundRows(session).stream()
        .filter(r -> "task".equals(r.get("kind")) && "pending".equals(r.get("status")))
        .toList();
  }

  private ScheduledTasks.Task task(String taskId) {
    return fx.central().read(c -> ScheduledTasks.find(c, session, taskId)).orElseThrow();
  }

  private String wakeAt() {
    return fx.central()
        .read(c -> Jdbc.queryOne(c, "SELECT wake_at FROM session_work WHERE session_id = ?", r -> r.getString(1), session))
        .orElse(null);
  }

  @Test
  void a_completed_daily_task_gets_its_next_occurrence_at_the_same_wall_time_across_a_clock_change() {
    clock.set(Instant.parse("2026-03-27T10:00:00Z"));
    // 09:00 in Berlin on Saturday 28 March is 08:00 UTC; summer time starts that night.
    schedule("{\"action\":\"schedule_task\",\"taskId\":\"daily\",\"prompt\":\"news\","
        + "\"processAfter\":\"2026-03-28T08:00:00Z\",\"recurrence\":\"0 9 * * *\"}");
    clock.set(Instant.parse("2026-03-28T08:03:10Z")); // it took a few minutes

    AckSync.Left left = complete("daily");

    Map<String, Object> finished = fx.inboundRow(session, "daily");
    assertEquals("completed", finished.get("status"));
    assertNull(finished.get("recurrence"), "the finished occurrence no longer recurs");
    List<Map<String, Object>> pending = pendingTaskRows();
    assertEquals(1, pending.size());
    Map<String, Object> next = pending.get(0);
    assertEquals("2026-03-29 07:00:00", next.get("process_after"), "09:00 summer time");
    assertEquals("0 9 * * *", next.get("recurrence"));
    assertEquals(finished.get("content"), next.get("content"));
    assertEquals("discord", next.get("channel_type"));
    assertEquals("chan-1", next.get("platform_id"));
    assertEquals(0, ((Number) next.get("seq")).longValue() % 2, "a host row: even seq");
    ScheduledTasks.Task series = task("daily");
    assertEquals(next.get("id"), series.rowId(), "the task index follows the new occurrence");
    assertEquals("2026-03-29 07:00:00", series.dueAt());
    assertEquals("pending", series.status());
    assertEquals(Instant.parse("2026-03-29T07:00:00Z"), left.nextWake());
    // The new row raised the session's flag; the next check finds nothing due and sleeps until then.
    acks.sync(session, dir);
    assertEquals("2026-03-29 07:00:00.000", wakeAt());
  }

  @Test
  void slots_missed_while_the_gateway_was_down_run_once_and_then_the_schedule_resumes() {
    schedule("{\"action\":\"schedule_task\",\"taskId\":\"daily\",\"prompt\":\"news\","
        + "\"processAfter\":\"2026-03-10T08:00:00Z\",\"recurrence\":\"0 9 * * *\"}");
    // Down from before the first run until three days later: the overdue occurrence runs then.
    clock.set(Instant.parse("2026-03-13T12:00:00Z"));

    complete("daily");

    List<Map<String, Object>> pending = pendingTaskRows();
    assertEquals(1, pending.size(), "one next occurrence: " + pending);
    assertEquals(
        "2026-03-14 08:00:00",
        pending.get(0).get("process_after"),
        "the late run stood for the missed days; next is 09:00 Berlin time tomorrow");
    assertEquals(pending.get(0).get("id"), task("daily").rowId());
    assertEquals(2, fx.inboundRows(session).size(), "the late run and the next one, nothing more");
  }

  @Test
  void a_run_that_finishes_after_its_next_slot_skips_to_the_slot_after_now() {
    schedule("{\"action\":\"schedule_task\",\"taskId\":\"minutely\",\"prompt\":\"tick\","
        + "\"processAfter\":\"2026-03-10T08:00:00Z\",\"recurrence\":\"* * * * *\"}");
    clock.set(Instant.parse("2026-03-10T08:02:30Z"));

    complete("minutely");

    List<Map<String, Object>> pending = pendingTaskRows();
    assertEquals(1, pending.size(), pending.toString());
    assertEquals("2026-03-10 08:03:00", pending.get(0).get("process_after"));
  }

  @Test
  void a_one_off_task_that_ran_leaves_the_list_of_scheduled_tasks() {
    schedule("{\"action\":\"schedule_task\",\"taskId\":\"once\",\"prompt\":\"p\",\"processAfter\":\"2026-03-10T07:30:00Z\"}");
    assertEquals(1, fx.central().read(c -> ScheduledTasks.list(c, false)).size());
    clock.set(Instant.parse("2026-03-10T07:31:00Z"));

    complete("once");

    assertEquals("completed", fx.inboundRow(session, "once").get("status"));
    assertEquals("completed", task("once").status());
    assertTrue(fx.central().read(c -> ScheduledTasks.list(c, false)).isEmpty(), "nothing is still scheduled");
    assertTrue(pendingTaskRows().isEmpty(), "and it does not come back");
  }
}
