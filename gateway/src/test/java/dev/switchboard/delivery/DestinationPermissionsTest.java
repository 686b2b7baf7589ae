package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.Administration;
import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.InboundRows;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where an agent may send: its own and its wired chats, chats and agents its destination list adds,
 * and back to a session of another agent that asked it something.
 */
class DestinationPermissionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private DeliveryHarness h;
  private String asking;

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
    asking = h.session; // a session of agent group ag-1
    h.fx.agentGroup("ag-b", "echo");
    h.start(policy(3));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void writeUnlisted(String sessionId, Out... rows) {
    h.fx.outboundUnlisted(sessionId, rows);
    h.ingest.ingest(sessionId);
  }

  private void writeFrom(String sessionId, Out... rows) {
    h.fx.outbound(sessionId, rows);
    h.ingest.ingest(sessionId);
  }

  private String status(String sessionId, String id) {
    return h.fx.deliveryStatus(sessionId, id);
  }

  private void awaitStatus(String sessionId, String id, String status) {
    await(WAIT, () -> status.equals(status(sessionId, id)), id + " of " + sessionId + " becomes " + status);
  }

  private String error(String sessionId, String id) {
    return (String) h.fx.delivery(sessionId, id).get("last_error");
  }

  private void allowAgent(String from, String name, String to) {
    h.fx.central().write(c -> {
      DestinationAcl.put(c, new DestinationAcl.Entry(from, name, "agent", null, null, to), SessionFixture.now());
      return null;
    });
  }

  private List<String> sessionsOf(String agentGroupId) {
    return h.fx.centralRows("SELECT id FROM sessions WHERE agent_group_id = ? ORDER BY created_at", agentGroupId)
        .stream().map(r -> (String) r.get("id")).toList();
  }

  @Test
  void a_chat_the_group_may_not_use_fails_for_good_naming_the_command_that_allows_it() {
    writeUnlisted(asking, Out.text("o1", 1, "psst").to("discord", "chan-x"));

    awaitStatus(asking, "o1", "failed");
    String error = error(asking, "o1");
    assertTrue(error.contains("./switchboard destinations add"), error);
    assertTrue(error.contains("chan-x"), error);
    await(WAIT, () -> !h.fx.inboundRow(asking, "delivery-failed-o1").isEmpty(), "the agent is told");
    // Woken just after the row is written.
    await(WAIT, () -> h.woken.contains(asking), "the agent is woken");
    assertTrue(h.discord.sentTo("chan-x").isEmpty());

    new Administration(h.fx.central(), Clock.systemUTC()).allowChat("ag-1", "ops", "discord", "chan-x");
    writeUnlisted(asking, Out.text("o3", 3, "psst again").to("discord", "chan-x"));
    awaitStatus(asking, "o3", "delivered");
    assertEquals(1, h.discord.sentTo("chan-x").size());
  }

  @Test
  void the_sessions_own_chat_and_the_groups_wired_chats_need_no_destination_entry() {
    String own = h.fx.session("ag-1", h.fx.messagingGroup("discord", "chan-own"));
    new Administration(h.fx.central(), Clock.systemUTC())
        .wire("discord", "chan-wired", "ag-1", new Administration.WiringOptions("shared", "all", 0, null));

    writeUnlisted(own, Out.text("o1", 1, "here").to("discord", "chan-own"), Out.text("o3", 3, "there").to("discord", "chan-wired"));

    awaitStatus(own, "o1", "delivered");
    awaitStatus(own, "o3", "delivered");
    assertEquals(List.of(), h.fx.centralRows("SELECT * FROM destination_acl WHERE name NOT LIKE 'test-%'"));
  }

  @Test
  void a_message_to_another_agent_reaches_a_session_kept_for_the_asker_and_the_reply_finds_the_asker()
      throws Exception {
    allowAgent("ag-1", "helper", "ag-b");
    // A newer session of the asking group, which must not get the reply.
    String other = h.fx.session("ag-1", h.fx.messagingGroup("discord", "chan-2"));

    writeFrom(asking, Out.text("o1", 1, "what is 2+2?").to("agent", "ag-b"));
    awaitStatus(asking, "o1", "delivered");

    List<String> bSessions = sessionsOf("ag-b");
    assertEquals(1, bSessions.size());
    String helper = bSessions.get(0);
    Map<String, Object> session = h.fx.centralRows("SELECT * FROM sessions WHERE id = ?", helper).get(0);
    assertEquals("agent:" + asking, session.get("thread_id"));
    assertEquals(null, session.get("messaging_group_id"));
    Map<String, Object> question = h.fx.inboundRow(helper, "agent-o1");
    assertEquals("chat", question.get("kind"));
    assertEquals("agent", question.get("channel_type"));
    assertEquals("ag-1", question.get("platform_id"));
    assertEquals(asking, question.get("thread_id"));
    JsonNode content = JSON.readTree((String) question.get("content"));
    assertEquals("what is 2+2?", content.get("text").asText());
    assertEquals("ag-1", content.get("fromAgent").get("agentGroupId").asText());
    assertEquals(asking, content.get("fromAgent").get("sessionId").asText());
    assertEquals(
        Optional.of(new InboundRows.Routing("agent", "ag-1", asking)),
        h.fx.files().readInbound(h.fx.dir(helper), InboundRows::routing),
        "a reply without routing goes back to the asker");
    assertTrue(h.woken.contains(helper), "the helper's agent is woken");

    writeUnlisted(helper, new Out("b1", 1, "chat", "{\"text\":\"4\"}", "agent", "ag-1", asking, "agent-o1", null));
    awaitStatus(helper, "b1", "delivered");

    Map<String, Object> reply = h.fx.inboundRow(asking, "agent-b1");
    assertEquals("chat", reply.get("kind"));
    assertEquals("agent", reply.get("channel_type"));
    assertEquals("ag-b", reply.get("platform_id"));
    assertEquals(helper, reply.get("thread_id"));
    assertEquals("4", JSON.readTree((String) reply.get("content")).get("text").asText());
    assertTrue(h.fx.inboundRows(other).isEmpty(), "not the asking group's other session");
    assertTrue(h.woken.contains(asking));
    assertEquals(1, sessionsOf("ag-b").size(), "the reply made no new session");

    writeFrom(asking, Out.text("o3", 3, "and 3+3?").to("agent", "ag-b"));
    awaitStatus(asking, "o3", "delivered");
    assertEquals(List.of(helper), sessionsOf("ag-b"), "a follow-up goes to the same helper session");
    assertEquals(2, h.fx.inboundRows(helper).size());
  }

  @Test
  void without_a_destination_entry_a_message_to_another_agent_fails_and_the_agent_is_told() {
    writeFrom(asking, Out.text("o1", 1, "hello?").to("agent", "ag-b"));

    awaitStatus(asking, "o1", "failed");
    String error = error(asking, "o1");
    assertTrue(error.contains("may not send to agent group ag-b"), error);
    assertTrue(error.contains("./switchboard destinations add"), error);
    assertEquals(List.of(), sessionsOf("ag-b"), "nothing reached the other group");
    await(WAIT, () -> !h.fx.inboundRow(asking, "delivery-failed-o1").isEmpty(), "the agent is told");
  }

  @Test
  void an_agent_cannot_reply_to_a_session_that_never_asked_it() {
    allowAgent("ag-1", "helper", "ag-b");
    String other = h.fx.session("ag-1", h.fx.messagingGroup("discord", "chan-2"));
    writeFrom(asking, Out.text("o1", 1, "hi").to("agent", "ag-b"));
    awaitStatus(asking, "o1", "delivered");
    String helper = sessionsOf("ag-b").get(0);

    writeUnlisted(helper, new Out("b1", 1, "chat", "{\"text\":\"surprise\"}", "agent", "ag-1", other, null, null));

    awaitStatus(helper, "b1", "failed");
    assertTrue(error(helper, "b1").contains("may not send to agent group ag-1"), error(helper, "b1"));
    assertTrue(h.fx.inboundRows(other).isEmpty());
    assertTrue(h.fx.inboundRow(asking, "agent-b1").isEmpty());
  }
}
