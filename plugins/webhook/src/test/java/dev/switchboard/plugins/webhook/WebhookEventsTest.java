package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.WebhookResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code POST /webhooks/webhook/events}: an integrator's event for the agents of a chat. */
class WebhookEventsTest {
  @TempDir Path dataDir;
  private Harness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new Harness(dataDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void an_event_is_submitted_with_its_source_name_and_payload_and_answered_202() {
    WebhookResponse response =
        harness.postTo(
            "events",
            """
            {"chat": "ops", "id": "ev-1", "source": "ci", "event": "build_failed",
             "payload": {"branch": "main", "tests": [1, 2]}, "thread": "t-1",
             "timestamp": "2024-04-30T10:00:00Z"}
            """);

    assertEquals(202, response.status());
    JsonNode body = Harness.json(response);
    assertEquals("ev-1", body.get("id").asText());
    assertEquals("stored", body.get("status").asText());
    IntegratorEvent event = harness.context.events.getFirst();
    assertEquals("ops", event.platformId());
    assertEquals("t-1", event.threadId());
    assertEquals("ci", event.source());
    assertEquals("build_failed", event.event());
    assertEquals("{\"branch\":\"main\",\"tests\":[1,2]}", event.payloadJson());
    assertEquals("2024-04-30T10:00:00Z", event.timestamp().toString());
  }

  @Test
  void an_event_without_an_id_or_time_gets_them_from_the_gateway() {
    harness.postTo("events", "{\"chat\": \"ops\", \"source\": \"ci\", \"event\": \"ping\", \"payload\": null}");

    IntegratorEvent event = harness.context.events.getFirst();
    assertNull(event.eventId());
    assertEquals("null", event.payloadJson());
    assertEquals(Harness.NOW, event.timestamp());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no chat | {\"source\": \"ci\", \"event\": \"e\", \"payload\": 1} | chat is required",
        "no source | {\"chat\": \"c\", \"event\": \"e\", \"payload\": 1} | source is required",
        "no event | {\"chat\": \"c\", \"source\": \"ci\", \"payload\": 1} | event is required",
        "no payload | {\"chat\": \"c\", \"source\": \"ci\", \"event\": \"e\"} | payload is required",
        "not an object | [1, 2] | body must be a JSON object"
      })
  void a_malformed_event_is_refused_with_400_and_nothing_is_submitted(
      String name, String body, String error) {
    WebhookResponse response = harness.postTo("events", body);

    assertEquals(400, response.status());
    String reason = Harness.json(response).get("error").asText();
    assertTrue(reason.contains(error), reason);
    assertTrue(harness.context.events.isEmpty());
  }

  @Test
  void a_store_failure_is_503_so_that_the_sender_retries() {
    harness.context.answer = FakeChannelContext.Answer.FAIL;

    WebhookResponse response =
        harness.postTo("events", "{\"chat\": \"c\", \"source\": \"ci\", \"event\": \"e\", \"payload\": 1}");

    assertEquals(503, response.status());
  }
}
