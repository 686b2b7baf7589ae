package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.WebhookResponse;
import java.net.URLEncoder;
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
  void a_message_whose_conversation_cannot_be_looked_up_carries_no_chat_info() {
    slack.api().failConversationInfo("C0BROKEN");
    JsonObject payload = message("1700000001.000012", "hello");
    payload.getAsJsonObject("event").addProperty("channel", "C0BROKEN");

    assertEquals(200, slack.platform.post("events", payload.toString(), Map.of()).status());

    InboundEvent stored = slack.context.stored().getFirst();
    assertNull(stored.chat(), "no name is sent when none is known: the gateway keeps its own");
    assertEquals("Ada", stored.sender().name());
  }

  @Test
  void private_channels_and_group_dms_are_group_chats_named_by_conversations_info() {
    slack.api().conversation("G0PRIVATE", "secret-plans", FakeSlack.Kind.PRIVATE_CHANNEL);
    slack.api().conversation("G0GROUPDM", "mpdm-ada--bob--switchboard-1", FakeSlack.Kind.GROUP_DM);
    JsonObject inPrivate = message("1700000001.000013", "in private");
    inPrivate.getAsJsonObject("event").addProperty("channel", "G0PRIVATE");
    inPrivate.getAsJsonObject("event").addProperty("channel_type", "group");
    JsonObject inGroupDm = message("1700000001.000014", "in a group DM");
    inGroupDm.getAsJsonObject("event").addProperty("channel", "G0GROUPDM");
    inGroupDm.getAsJsonObject("event").addProperty("channel_type", "mpim");
    // An app_mention has no channel_type: what conversations.info says decides.
    JsonObject mention = message("1700000001.000015", "<@U0BOT> in a group DM");
    mention.getAsJsonObject("event").addProperty("type", "app_mention");
    mention.getAsJsonObject("event").addProperty("channel", "G0GROUPDM");
    mention.getAsJsonObject("event").remove("channel_type");

    for (JsonObject payload : List.of(inPrivate, inGroupDm, mention)) {
      assertEquals(200, slack.platform.post("events", payload.toString(), Map.of()).status());
    }

    List<InboundEvent> stored = slack.context.stored();
    assertEquals(3, stored.size());
    assertEquals(
        List.of("secret-plans", "mpdm-ada--bob--switchboard-1", "mpdm-ada--bob--switchboard-1"),
        stored.stream().map(e -> e.chat().name()).toList());
    for (InboundEvent event : stored) {
      assertTrue(event.chat().group(), event.text() + " is in a group chat");
      assertFalse(event.addressing().direct(), event.text() + " is not a direct message");
    }
    assertTrue(stored.get(2).addressing().mention());
  }

  @Test
  void a_message_of_the_bot_itself_carrying_only_its_bot_id_is_ignored_and_another_bots_is_not() {
    JsonObject own = message("1700000001.000016", "posted by the bot");
    own.getAsJsonObject("event").remove("user");
    own.getAsJsonObject("event").addProperty("bot_id", FakeSlack.BOT_ID);
    own.getAsJsonObject("event").addProperty("subtype", "bot_message");
    JsonObject other = message("1700000001.000017", "posted by another bot");
    other.getAsJsonObject("event").remove("user");
    other.getAsJsonObject("event").addProperty("bot_id", "B0OTHER");
    other.getAsJsonObject("event").addProperty("subtype", "bot_message");
    other.getAsJsonObject("event").addProperty("username", "Deploy bot");

    assertEquals(200, slack.platform.post("events", own.toString(), Map.of()).status());
    assertEquals(200, slack.platform.post("events", other.toString(), Map.of()).status());

    List<InboundEvent> submitted = slack.context.submitted();
    assertEquals(List.of("1700000001.000017"), submitted.stream().map(InboundEvent::messageId).toList());
    assertTrue(submitted.getFirst().sender().bot());
    assertEquals("Deploy bot", submitted.getFirst().sender().name());
  }

  @Test
  void a_button_press_is_stored_before_its_200_and_the_question_then_shows_the_choice() {
    String questionTs = postQuestion(slack);
    JsonObject press = slack.platform.press(SlackPlatform.GROUP, questionTs, "Yes", SlackPlatform.ADA);

    WebhookResponse response =
        slack.platform.post(
            "interactivity", "payload=" + URLEncoder.encode(press.toString(), UTF_8), Map.of());

    assertEquals(200, response.status());
    QuestionAnswer answer = slack.context.answers().getFirst();
    assertEquals("q-ship", answer.questionId());
    assertEquals("yes", answer.value());
    assertShowsChoice(slack.api().awaitCall("chat.update", Running.TIMEOUT), questionTs);
  }

  @Test
  void a_press_the_gateway_refuses_is_explained_to_the_presser_alone_and_the_question_is_left_as_it_is() {
    String questionTs = postQuestion(slack);
    slack.context.dropEverything("this question has expired");
    JsonObject press = slack.platform.press(SlackPlatform.GROUP, questionTs, "Yes", SlackPlatform.ADA);

    WebhookResponse response =
        slack.platform.post(
            "interactivity", "payload=" + URLEncoder.encode(press.toString(), UTF_8), Map.of());

    assertEquals(200, response.status());
    FakeSlack.Call told = slack.api().awaitCall("chat.postEphemeral", Running.TIMEOUT);
    assertEquals(SlackPlatform.GROUP, told.param("channel"));
    assertEquals("U0ADA", told.param("user"));
    assertEquals("Your answer was not taken: this question has expired.", told.param("text"));
    assertTrue(slack.context.answers().isEmpty());
    assertTrue(slack.api().calls("chat.update").isEmpty(), "the buttons stay for whoever may still answer");
  }

  /** Delivers a question with Yes and No buttons to the group chat; returns its message ts. */
  static String postQuestion(Running slack) {
    DeliveryResult result =
        slack.channel.deliver(
            new OutboundMessage(
                "out-question",
                1,
                SlackPlatform.GROUP,
                null,
                null,
                new OutboundContent.Question(
                    "q-ship",
                    null,
                    "Ship it?",
                    List.of(new OutboundContent.Option("Yes", "yes"), new OutboundContent.Option("No", "no"))),
                1));
    return assertInstanceOf(DeliveryResult.Delivered.class, result).platformMessageId();
  }

  /** The chat.update replaced the question's buttons by the choice. */
  static void assertShowsChoice(FakeSlack.Call update, String questionTs) {
    assertEquals(SlackPlatform.GROUP, update.param("channel"));
    assertEquals(questionTs, update.param("ts"));
    assertTrue(update.param("text").contains("Answered: Yes"), update.param("text"));
    String blocks = update.param("blocks");
    assertTrue(blocks.contains("Answered *Yes* by <@U0ADA>"), blocks);
    assertFalse(blocks.contains("\"actions\""), "the buttons are gone: " + blocks);
  }

  @Test
  void a_file_over_max_file_bytes_is_not_downloaded_and_the_agent_is_told() throws Exception {
    try (Running limited =
        Running.start(SlackSettings.Mode.EVENTS, folder.resolve("limited"), Map.of("maxFileBytes", "10"))) {
      byte[] big = "more than ten bytes".getBytes(UTF_8);
      JsonObject file = new JsonObject();
      file.addProperty("id", "F0BIG");
      file.addProperty("name", "big.txt");
      file.addProperty("mimetype", "text/plain");
      file.addProperty("size", big.length);
      file.addProperty("url_private_download", limited.api().shareFile("F0BIG", big));
      JsonArray files = new JsonArray();
      files.add(file);
      JsonObject event = new JsonObject();
      event.addProperty("type", "message");
      event.addProperty("subtype", "file_share");
      event.addProperty("channel", SlackPlatform.GROUP);
      event.addProperty("user", "U0ADA");
      event.addProperty("text", "look at this");
      event.addProperty("ts", "1700000001.000018");
      event.add("files", files);

      WebhookResponse response =
          limited.platform.post("events", limited.platform.callback(event).toString(), Map.of());

      assertEquals(200, response.status());
      InboundEvent stored = limited.context.awaitStored("1700000001.000018", Running.TIMEOUT);
      assertEquals(List.of(), stored.attachments());
      assertEquals(
          "look at this\n[file big.txt (19 bytes) not downloaded: over the limit of 10 bytes]",
          stored.text());
      assertEquals(0, limited.api().downloads(), "Slack was not even asked for the file");
    }
  }

  @Test
  void an_interactivity_body_with_a_broken_percent_escape_gets_400() {
    assertEquals(400, slack.platform.post("interactivity", "payload=%E0%A4%A", Map.of()).status());
  }
}
