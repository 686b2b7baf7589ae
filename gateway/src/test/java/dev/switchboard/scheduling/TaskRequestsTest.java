package dev.switchboard.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task requests applied straight to real session files, on a clock the test moves. */
class TaskRequestsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir Path dataDir;
  private SessionFixture fx;
  private final ManualClock clock = ManualClock.at("2026-03-10T07:00:00Z");
  private TaskRequests tasks;
  private String session;
  private Path dir;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
    session = fx.session("ag-1", fx.messagingGroup("discord", "chan-1"));
    fx.routing(session, "discord", "chan-1", "thread-7");
    dir = fx.dir(session);
    tasks = new TaskRequests(fx.central(), fx.files(), clock, BERLIN);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private TaskRequests.Result apply(String json) {
    return tasks.apply(session, dir, json);
  }

  private Map<String, Object> row(String id) {
    return fx.inboundRow(session, id);
  }

  private ScheduledTasks.Task task(String taskId) {
    return fx.central().read(c -> ScheduledTasks.find(c, session, taskId)).orElseThrow();
  }

  private String wakeAt() {
    return fx.central()
        .read(c -> Jdbc.queryOne(c, "SELECT wake_at FROM session_work WHERE session_id = ?", r -> r.getString(1), session))
        .orElse(null);
  }

  private List<Map<String, Object>> pendingTaskRows() {
    return fx.inboundRows(session).stream()
        .filter(r -> "task".equals(r.get("kind")) && "pending".equals(r.get("status")))
        .toList();
  }

  @Test
  void a_recurring_task_without_a_time_first_falls_due_at_the_next_slot_in_the_configured_zone() {
    // 07:00 UTC is 08:00 in Berlin (CET): the next 09:00 there is 08:00 UTC the same day.
    TaskRequests.Result result =
        apply("{\"action\":\"schedule_task\",\"taskId\":\"daily\",\"prompt\":\"standup\",\"recurrence\":\"0 9 * * *\"}");

    TaskRequests.Result.Applied applied = assertInstanceOf(TaskRequests.Result.Applied.class, result);
    assertEquals(Optional.of(Instant.parse("2026-03-10T08:00:00Z")), applied.wakeAt());
    Map<String, Object> row = row("daily");
    assertEquals("2026-03-10 08:00:00", row.get("process_after"));
    assertEquals("0 9 * * *", row.get("recurrence"));
    assertEquals("thread-7", row.get("thread_id"), "routed like the session's default chat");
    assertEquals("0 9 * * *", task("daily").recurrence());
  }

  @Test
  void a_task_without_a_time_or_recurrence_is_due_at_once() {
    apply("{\"action\":\"schedule_task\",\"taskId\":\"now\",\"prompt\":\"go\"}");

    assertEquals(Times.formatSeconds(clock.instant()), row("now").get("process_after"));
    assertTrue(
        fx.central().read(c -> SessionWork.withWork(c, Times.format(clock.instant()))).contains(session),
        "the session has work now");
  }

  @Test
  void scheduling_the_same_task_again_moves_it_instead_of_adding_a_second_row() {
    String first = "{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\"2026-03-11 10:00:00\"}";
    apply(first);
    apply(first);
    apply("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p2\",\"processAfter\":\"2026-03-12T10:00:00Z\"}");

    assertEquals(1, pendingTaskRows().size());
    assertEquals("2026-03-12 10:00:00", row("t-1").get("process_after"));
    assertTrue(((String) row("t-1").get("content")).contains("\"p2\""));
    assertEquals("2026-03-12 10:00:00", task("t-1").dueAt());
  }

  @Test
  void pause_resume_and_cancel_change_the_row_and_the_task_index_together() {
    apply("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\"2026-03-11 10:00:00\"}");

    assertInstanceOf(TaskRequests.Result.Applied.class, apply("{\"action\":\"pause_task\",\"taskId\":\"t-1\"}"));
    assertEquals("paused", row("t-1").get("status"));
    assertEquals("paused", task("t-1").status());

    apply("{\"action\":\"resume_task\",\"taskId\":\"t-1\"}");
    assertEquals("pending", row("t-1").get("status"));
    assertEquals("pending", task("t-1").status());
    assertEquals("2026-03-11 10:00:00", row("t-1").get("process_after"), "a resume keeps a future time");

    apply("{\"action\":\"cancel_task\",\"taskId\":\"t-1\"}");
    assertEquals("cancelled", row("t-1").get("status"));
    assertEquals("cancelled", task("t-1").status());

    TaskRequests.Result resumed = apply("{\"action\":\"resume_task\",\"taskId\":\"t-1\"}");
    assertEquals("task 't-1' is cancelled", assertInstanceOf(TaskRequests.Result.Refused.class, resumed).reason());
    assertEquals("cancelled", row("t-1").get("status"), "a cancelled task stays cancelled");
    assertEquals("cancelled", task("t-1").status(), "in the index too");
    assertInstanceOf(
        TaskRequests.Result.Applied.class, apply("{\"action\":\"cancel_task\",\"taskId\":\"t-1\"}"),
        "cancelling again (a request applied twice) is no error");
  }

  @Test
  void resuming_a_task_whose_time_passed_while_paused_makes_it_due_now() {
    apply("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\"2026-03-10 10:00:00\"}");
    apply("{\"action\":\"pause_task\",\"taskId\":\"t-1\"}");
    clock.set(Instant.parse("2026-03-10T12:00:00Z"));
    // The agent saw nothing due in the meantime.
    fx.central().write(c -> Jdbc.update(c, "UPDATE session_work SET inbound_pending = 0, wake_at = NULL WHERE session_id = ?", session));

    TaskRequests.Result result = apply("{\"action\":\"resume_task\",\"taskId\":\"t-1\"}");

    TaskRequests.Result.Applied applied = assertInstanceOf(TaskRequests.Result.Applied.class, result);
    assertEquals(Optional.of(clock.instant()), applied.wakeAt());
    assertEquals("pending", row("t-1").get("status"));
    assertFalse(Times.parse((String) row("t-1").get("process_after")).isAfter(clock.instant()), "due");
    assertEquals(Times.format(clock.instant()), wakeAt());
    fx.central().write(c -> Jdbc.update(c, "UPDATE session_work SET inbound_pending = 0 WHERE session_id = ?", session));
    assertTrue(
        fx.central().read(c -> SessionWork.withWork(c, Times.format(clock.instant()))).contains(session),
        "the wake time alone makes the session due");
  }

  @Test
  void a_task_id_used_before_can_be_scheduled_again_after_it_was_cancelled() {
    apply("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\"2026-03-11 10:00:00\"}");
    apply("{\"action\":\"cancel_task\",\"taskId\":\"t-1\"}");

    TaskRequests.Result again =
        apply("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"again\",\"processAfter\":\"2026-03-12 10:00:00\"}");

    assertInstanceOf(TaskRequests.Result.Applied.class, again);
    List<Map<String, Object>> pending = pendingTaskRows();
    assertEquals(1, pending.size(), "a pending row falls due: " + fx.inboundRows(session));
    assertEquals("2026-03-12 10:00:00", pending.get(0).get("process_after"));
    assertEquals(pending.get(0).get("id"), task("t-1").rowId(), "the index names the new row");
    assertEquals("pending", task("t-1").status());
    assertEquals("cancelled", row("t-1").get("status"), "the cancelled occurrence stays cancelled");
  }

  @Test
  void requests_for_an_unknown_task_or_action_are_refused_and_change_nothing() {
    TaskRequests.Result unknown = apply("{\"action\":\"pause_task\",\"taskId\":\"nope\"}");
    assertEquals("no task 'nope' in this session", assertInstanceOf(TaskRequests.Result.Refused.class, unknown).reason());
    TaskRequests.Result action = apply("{\"action\":\"reboot\",\"taskId\":\"t\"}");
    assertTrue(assertInstanceOf(TaskRequests.Result.Refused.class, action).reason().contains("unknown system action 'reboot'"));
    assertTrue(assertInstanceOf(TaskRequests.Result.Refused.class, apply("[1]")).reason().contains("not a JSON object"));
    assertEquals(List.of(), fx.inboundRows(session));
  }
}
