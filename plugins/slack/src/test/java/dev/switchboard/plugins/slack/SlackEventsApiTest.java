package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.WebhookResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events API requests as Slack sends them, signed well and badly, to the channel's routes. */
class SlackEventsApiTest {
  @TempDir Path folder;
  private Running slack;

  @BeforeEach
  void start() throws Exception {
    slack = Running.start(SlackSettings.Mode.EVENTS, folder);
  }

  @AfterEach
  void stop() throws Exception {
    slack.close();
  }

  private JsonObject message(String ts, String text) {
    JsonObject event = new JsonObject();
    event.addProperty("type", "message");
    event.addProperty("channel", SlackPlatform.GROUP);
    event.addProperty("user", "U0ADA");
    event.addProperty("text", text);
    event.addProperty("ts", ts);
    event.addProperty("channel_type", "channel");
    return slack.platform.callback(event);
  }

  private WebhookResponse signedAt(String timestamp, String signature, String body) {
    Map<String, List<String>> headers = new HashMap<>();
    if (timestamp != null) {
      headers.put(SlackSignatures.TIMESTAMP_HEADER, List.of(timestamp));
    }
    if (signature != null) {
      headers.put(SlackSignatures.SIGNATURE_HEADER, List.of(signature));
    }
    return slack.platform.rawPost("events", body.getBytes(UTF_8), headers);
  }

  @Test
  void a_correctly_signed_message_is_stored_before_the_200() {
    String body = message("1700000001.000001", "hello from Slack").toString();

    WebhookResponse response = slack.platform.post("events", body, Map.of());

    assertEquals(200, response.status());
    InboundEvent stored = slack.context.stored().getFirst();
    assertEquals("hello from Slack", stored.text());
    assertEquals("1700000001.000001", stored.messageId());
    assertEquals("general", stored.chat().name(), "the conversation's name from conversations.info");
    assertTrue(stored.chat().group());
  }

  @Test
  void a_wrong_signature_gets_401_and_nothing_is_stored() {
    String body = message("1700000001.000002", "forged").toString();
    String now = Long.toString(Instant.now().getEpochSecond());

    WebhookResponse response = signedAt(now, "v0=" + "0".repeat(64), body);

    assertEquals(401, response.status());
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void a_signature_over_another_body_gets_401() {
    String body = message("1700000001.000003", "tampered").toString();
    String now = Long.toString(Instant.now().getEpochSecond());
    String signature = slack.platform.sign(now, "{}".getBytes(UTF_8));

    assertEquals(401, signedAt(now, signature, body).status());
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void a_request_without_signature_headers_gets_401() {
    String body = message("1700000001.000004", "unsigned").toString();

    assertEquals(401, signedAt(null, null, body).status());
    assertEquals(
        401, signedAt(Long.toString(Instant.now().getEpochSecond()), null, body).status());
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void a_correctly_signed_but_stale_request_gets_401() {
    String body = message("1700000001.000005", "replayed").toString();
    String stale = Long.toString(Instant.now().minusSeconds(6 * 60).getEpochSecond());

    WebhookResponse response = signedAt(stale, slack.platform.sign(stale, body.getBytes(UTF_8)), body);

    assertEquals(401, response.status());
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void url_verification_is_answered_with_the_challenge() {
    String body = "{\"token\":\"t\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}";

    WebhookResponse response = slack.platform.post("events", body, Map.of());

    assertEquals(200, response.status());
    assertEquals(
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        JsonParser.parseString(new String(response.body(), UTF_8))
            .getAsJsonObject()
            .get("challenge")
            .getAsString());
  }

  @Test
  void a_retried_event_is_acknowledged_and_stored_once() {
    String body = message("1700000001.000006", "only once").toString();

    assertEquals(200, slack.platform.post("events", body, Map.of()).status());
    assertEquals(
        200,
        slack.platform
            .post("events", body, Map.of("X-Slack-Retry-Num", List.of("1")))
            .status());

    assertEquals(1, slack.context.stored().size());
    assertEquals(1, slack.context.submitted().size(), "the retry did not even reach the gateway");
  }

  @Test
  void a_message_and_its_app_mention_are_stored_once_as_a_mention() {
    JsonObject message = message("1700000001.000007", "<@U0BOT> are you there?");
    JsonObject mention = message.getAsJsonObject("event").deepCopy();
    mention.addProperty("type", "app_mention");
    mention.remove("channel_type");

    assertEquals(200, slack.platform.post("events", slack.platform.callback(mention).toString(), Map.of()).status());
    assertEquals(200, slack.platform.post("events", message.toString(), Map.of()).status());

    assertEquals(1, slack.context.stored().size());
    InboundEvent stored = slack.context.stored().getFirst();
    assertTrue(stored.addressing().mention());
    assertEquals("are you there?", stored.text(), "the bot's own mention is taken out");
  }

  @Test
  void a_store_failure_answers_503_and_the_retry_is_stored() {
    String body = message("1700000001.000008", "try again").toString();
    slack.context.failEverything();

    assertEquals(503, slack.platform.post("events", body, Map.of()).status());
    slack.context.storeEverything();
    assertEquals(
        200,
        slack.platform.post("events", body, Map.of("X-Slack-Retry-Num", List.of("1"))).status());

    assertEquals(1, slack.context.stored().size());
  }

  @Test
  void the_bots_own_messages_edits_and_deletes_are_acknowledged_and_not_stored() {
    JsonObject own = message("1700000001.000009", "my own words");
    own.getAsJsonObject("event").addProperty("user", FakeSlack.BOT_USER);
    JsonObject edit = message("1700000001.000010", "edited");
    edit.getAsJsonObject("event").addProperty("subtype", "message_changed");
    JsonObject delete = message("1700000001.000011", "");
    delete.getAsJsonObject("event").addProperty("subtype", "message_deleted");

    for (JsonObject payload : List.of(own, edit, delete)) {
      assertEquals(200, slack.platform.post("events", payload.toString(), Map.of()).status());
    }

    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void a_signed_event_callback_without_the_shape_slack_sends_gets_400_and_nothing_is_stored() {
    List<String> bodies =
        List.of(
            "{\"type\":\"event_callback\",\"event_id\":\"Ev1\"}",
            "{\"type\":\"event_callback\",\"event\":\"message\"}",
            "{\"type\":\"event_callback\",\"event\":{\"channel\":\"C1\"}}",
            "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"user\":\"U1\",\"ts\":\"1.2\"}}",
            "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"channel\":\"C1\",\"ts\":\"1.2\",\"user\":{\"id\":1}}}");

    for (String body : bodies) {
      assertEquals(400, slack.platform.post("events", body, Map.of()).status(), body);
    }
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void an_event_of_a_type_the_channel_does_not_take_is_acknowledged_and_ignored() {
    String body = "{\"type\":\"event_callback\",\"event\":{\"type\":\"reaction_added\",\"user\":\"U1\"}}";

    assertEquals(200, slack.platform.post("events", body, Map.of()).status());
    assertEquals(List.of(), slack.context.submitted());
  }

  @Test
  void an_interactivity_body_with_a_broken_percent_escape_gets_400() {
    assertEquals(400, slack.platform.post("interactivity", "payload=%E0%A4%A", Map.of()).status());
  }
}
