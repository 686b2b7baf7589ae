package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.delivery.SessionFixture.Out;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task requests an agent writes as system outbound rows, applied by the delivery part. */
class TaskRequestDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private DeliveryHarness h;
  private String session;
  private long seq = 1;

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
    session = h.session;
    h.fx.routing(session, "discord", "chan-1", "thread-3");
    h.start(policy(3));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Writes a system request and returns its outbound id once the host has finished with it. */
  private String request(String json) {
    String id = "o" + seq;
    h.write(Out.chat(id, seq, json).kind("system"));
    seq += 2;
    await(WAIT, () -> h.status(id) != null && !"pending".equals(h.status(id)), id + " is applied or refused");
    return id;
  }

  private Map<String, Object> scheduledTask(String taskId) {
    return h.fx.centralRows("SELECT * FROM scheduled_tasks WHERE session_id = ? AND task_id = ?", session, taskId)
        .stream().findFirst().orElse(Map.of());
  }

  private Object wakeAt() {
    return h.fx.centralRows("SELECT wake_at FROM session_work WHERE session_id = ?", session).get(0).get("wake_at");
  }

  @Test
  void schedule_task_stores_a_task_row_in_the_session_indexes_it_and_sets_the_wake_time() throws Exception {
    String id =
        request("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"water the plants\","
            + "\"processAfter\":\"2030-01-01T09:00:00.250Z\"}");

    h.awaitStatus("delivered", id);
    assertTrue(h.discord.sent().isEmpty(), "no channel is involved");
    Map<String, Object> row = h.fx.inboundRow(session, "t-1");
    assertEquals("task", row.get("kind"));
    assertEquals("pending", row.get("status"));
    assertEquals(0, ((Number) row.get("seq")).longValue() % 2);
    assertEquals("2030-01-01 09:00:00", row.get("process_after"), "SQLite text, whole seconds, UTC");
    assertEquals("discord", row.get("channel_type"));
    assertEquals("chan-1", row.get("platform_id"));
    assertEquals("thread-3", row.get("thread_id"));
    JsonNode content = JSON.readTree((String) row.get("content"));
    assertEquals("water the plants", content.get("prompt").asText());
    assertEquals("t-1", content.get("taskId").asText());

    Map<String, Object> task = scheduledTask("t-1");
    assertEquals("t-1", task.get("row_id"));
    assertEquals("pending", task.get("status"));
    assertEquals("2030-01-01 09:00:00", task.get("due_at"));
    assertEquals("water the plants", task.get("prompt"));
    assertEquals("2030-01-01 09:00:00.250", wakeAt(), "woken at the time asked for");
  }

  @Test
  void bad_schedule_requests_fail_for_good_and_the_agent_is_told_why() throws Exception {
    Map<String, String> requests =
        Map.of(
            "{\"action\":\"schedule_task\",\"prompt\":\"p\"}", "needs a taskId",
            "{\"action\":\"schedule_task\",\"taskId\":\"t-2\"}", "t-2 needs a prompt",
            "{\"action\":\"schedule_task\",\"taskId\":\"t-3\",\"prompt\":\"p\",\"processAfter\":\"next tuesday\"}",
                "not a time: 'next tuesday'",
            "{\"action\":\"schedule_task\",\"taskId\":\"t-4\",\"prompt\":\"p\",\"recurrence\":\"every day\"}",
                "needs 5 fields",
            "{\"action\":\"schedule_task\",\"taskId\":\"t-5\",\"prompt\":\"p\",\"recurrence\":\"61 * * * *\"}",
                "minute field '61'");
    for (Map.Entry<String, String> r : requests.entrySet()) {
      String id = request(r.getKey());
      assertEquals("failed", h.status(id), r.getKey());
      String error = (String) h.delivery(id).get("last_error");
      assertTrue(error.contains(r.getValue()), error);
      await(WAIT, () -> !h.fx.inboundRow(session, "delivery-failed-" + id).isEmpty(), "the agent is told about " + id);
      Map<String, Object> told = h.fx.inboundRow(session, "delivery-failed-" + id);
      assertEquals("system", told.get("kind"));
      JsonNode content = JSON.readTree((String) told.get("content"));
      assertEquals("delivery_failed", content.get("type").asText());
      assertEquals(id, content.get("messageOutId").asText());
      assertEquals(error, content.get("error").asText());
    }
    await(WAIT, () -> h.woken.contains(session), "the agent is woken to read it");
    List<Map<String, Object>> tasks = h.fx.centralRows("SELECT * FROM scheduled_tasks");
    assertEquals(List.of(), tasks, "nothing was scheduled");
    assertTrue(h.fx.inboundRows(session).stream().noneMatch(r -> "task".equals(r.get("kind"))));
  }

  @Test
  void pause_resume_and_cancel_requests_change_the_task_row_and_its_index() {
    request("{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\",\"processAfter\":\"2030-01-01 09:00:00\"}");

    assertEquals("delivered", h.status(request("{\"action\":\"pause_task\",\"taskId\":\"t-1\"}")));
    assertEquals("paused", h.fx.inboundRow(session, "t-1").get("status"));
    assertEquals("paused", scheduledTask("t-1").get("status"));

    request("{\"action\":\"resume_task\",\"taskId\":\"t-1\"}");
    assertEquals("pending", h.fx.inboundRow(session, "t-1").get("status"));
    assertEquals("pending", scheduledTask("t-1").get("status"));

    request("{\"action\":\"cancel_task\",\"taskId\":\"t-1\"}");
    assertEquals("cancelled", h.fx.inboundRow(session, "t-1").get("status"));
    assertEquals("cancelled", scheduledTask("t-1").get("status"));

    String unknown = request("{\"action\":\"cancel_task\",\"taskId\":\"t-9\"}");
    assertEquals("failed", h.status(unknown));
    assertEquals("no task 't-9' in this session", h.delivery(unknown).get("last_error"));
  }
}
