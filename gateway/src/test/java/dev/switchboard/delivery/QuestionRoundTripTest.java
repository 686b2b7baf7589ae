package dev.switchboard.delivery;

import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.Administration;
import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.routing.HostReply;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RoutingSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A question from an agent to its chat and the answer back: buttons where the channel has them,
 * numbered text where it does not, and the answer stored for the session that asked.
 */
class QuestionRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUESTION =
      "{\"type\":\"ask_question\",\"questionId\":\"q-1\",\"title\":\"Paint\",\"question\":\"Which colour?\","
          + "\"options\":[\"Red\",{\"label\":\"Blue\",\"value\":\"blue-42\"}]}";

  @TempDir Path dataDir;
  private DeliveryHarness h;
  private String session;
  private Router router;
  private final List<String> routerWakes = new CopyOnWriteArrayList<>();
  private final List<HostReply> replies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
    session = h.session;
    router = new Router(h.fx.central(), h.fx.files(), Clock.systemUTC(), routerWakes::add, RoutingSettings.DEFAULTS, replies::add);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static QuestionAnswer press(String questionId, String value, String answerId) {
    return new QuestionAnswer("chan-1", null, questionId, value, new InboundEvent.Sender("u7", "Una"), answerId, Instant.now());
  }

  private static InboundEvent text(String id, String text) {
    return InboundEvent.builder("chan-1", new InboundEvent.Sender("u7", "Una"), text).messageId(id).build();
  }

  private Map<String, Object> pending(String questionId) {
    return h.fx.centralRows(
            "SELECT q.*, d.options, d.as_text FROM pending_questions q JOIN question_details d"
                + " ON d.question_id = q.question_id WHERE q.question_id = ?", questionId)
        .stream().findFirst().orElse(Map.of());
  }

  private JsonNode systemRow(String id) throws Exception {
    Map<String, Object> row = h.fx.inboundRow(session, id);
    assertEquals("system", row.get("kind"), "row " + id + ": " + row);
    assertEquals(0, ((Number) row.get("seq")).longValue() % 2, "a host row: even seq");
    return JSON.readTree((String) row.get("content"));
  }

  @Test
  void on_a_channel_with_buttons_a_question_goes_out_as_a_question_and_a_press_answers_it() throws Exception {
    h.start(policy(3));
    h.write(Out.chat("o1", 1, QUESTION));
    h.awaitStatus("delivered", "o1");

    OutboundContent.Question sent =
        assertInstanceOf(OutboundContent.Question.class, h.discord.sentTo("chan-1").get(0).message().content());
    assertEquals("Which colour?", sent.question());
    assertEquals("Paint", sent.title());
    assertEquals(
        List.of(new OutboundContent.Option("Red", "Red"), new OutboundContent.Option("Blue", "blue-42")), sent.options());
    Map<String, Object> question = pending("q-1");
    assertEquals(session, question.get("session_id"));
    assertEquals("o1", question.get("message_out_id"));
    assertEquals("discord", question.get("channel_type"));
    assertEquals("chan-1", question.get("platform_id"));
    assertEquals(0, ((Number) question.get("as_text")).intValue());

    InboundOutcome answered = router.answer("discord", press("q-1", "blue-42", "press-1"));

    assertEquals(List.of(session), assertInstanceOf(InboundOutcome.Stored.class, answered).sessionIds());
    JsonNode response = systemRow(answered.messageId());
    assertEquals("question_response", response.get("type").asText());
    assertEquals("q-1", response.get("questionId").asText());
    assertEquals("blue-42", response.get("selectedOption").asText());
    assertEquals("u7", response.get("userId").asText());
    assertEquals(Map.of(), pending("q-1"), "no longer pending");
    assertEquals(List.of(session), routerWakes, "the asking session is woken");

    int rows = h.fx.inboundRows(session).size();
    assertInstanceOf(InboundOutcome.Duplicate.class, router.answer("discord", press("q-1", "blue-42", "press-1")));
    InboundOutcome second = router.answer("discord", press("q-1", "Red", "press-2"));
    assertTrue(assertInstanceOf(InboundOutcome.Dropped.class, second).reason().contains("already answered"));
    assertEquals(rows, h.fx.inboundRows(session).size(), "neither stored anything");
    assertEquals(1, routerWakes.size());
  }

  @Test
  void on_a_channel_without_buttons_a_question_goes_out_as_numbered_text_and_a_number_answers_it() throws Exception {
    h.discord.claim(Capability.TEXT);
    new Administration(h.fx.central(), Clock.systemUTC())
        .wire("discord", "chan-1", "ag-1", new Administration.WiringOptions("shared", "all", 0, null));
    h.start(policy(3));
    h.write(Out.chat("o1", 1, QUESTION));
    h.awaitStatus("delivered", "o1");

    OutboundContent.Text sent =
        assertInstanceOf(OutboundContent.Text.class, h.discord.sentTo("chan-1").get(0).message().content());
    assertTrue(sent.text().contains("Which colour?\n1. Red\n2. Blue\n"), sent.text());
    assertEquals(1, ((Number) pending("q-1").get("as_text")).intValue());

    InboundOutcome unrelated = router.route("discord", text("m-1", "what about green?"));
    assertEquals(List.of(session), assertInstanceOf(InboundOutcome.Stored.class, unrelated).sessionIds());
    assertEquals("chat", h.fx.inboundRow(session, "m-1").get("kind"), "an ordinary message");
    assertTrue(pending("q-1").size() > 0, "still open");

    InboundOutcome answered = router.route("discord", text("m-2", " 2 "));

    assertInstanceOf(InboundOutcome.Stored.class, answered);
    JsonNode response = systemRow(answered.messageId());
    assertEquals("blue-42", response.get("selectedOption").asText(), "the second option's value");
    assertEquals("u7", response.get("userId").asText());
    assertEquals(Map.of(), pending("q-1"));
    assertTrue(h.fx.inboundRow(session, "m-2").isEmpty(), "the reply is the answer, not a message");

    InboundOutcome later = router.route("discord", text("m-3", "2"));
    assertInstanceOf(InboundOutcome.Stored.class, later);
    assertEquals("chat", h.fx.inboundRow(session, "m-3").get("kind"), "with no open question a number is a message");
    assertTrue(replies.isEmpty());
  }
}
