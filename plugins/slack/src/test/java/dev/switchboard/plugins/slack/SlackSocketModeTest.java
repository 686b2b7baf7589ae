package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.InboundEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Socket Mode envelopes from the fake server: acknowledged after storing, stored once. */
class SlackSocketModeTest {
  @TempDir Path folder;
  private Running slack;

  @BeforeEach
  void start() throws Exception {
    slack = Running.start(SlackSettings.Mode.SOCKET, folder);
  }

  @AfterEach
  void stop() throws Exception {
    slack.close();
  }

  private JsonObject message(String ts, String channel, String channelType, String text) {
    JsonObject event = new JsonObject();
    event.addProperty("type", "message");
    event.addProperty("channel", channel);
    event.addProperty("user", "U0ADA");
    event.addProperty("text", text);
    event.addProperty("ts", ts);
    event.addProperty("channel_type", channelType);
    return slack.platform.callback(event);
  }

  @Test
  void the_channel_opened_its_socket_through_apps_connections_open() {
    assertEquals(1, slack.api().calls("apps.connections.open").size());
    slack.platform.socket().awaitConnections(1, Running.TIMEOUT);
  }

  @Test
  void an_envelope_is_acknowledged_once_its_message_is_stored() {
    slack.platform.socket().send("events_api", "env-a", message("1700000002.000001", SlackPlatform.DIRECT, "im", "hi"), 0);

    slack.platform.socket().awaitAck("env-a", 1, Running.TIMEOUT);

    InboundEvent stored = slack.context.stored().getFirst();
    assertTrue(stored.addressing().direct(), "a DM addresses the bot");
    assertEquals("Ada", stored.sender().name(), "the name from users.info");
  }

  @Test
  void a_redelivered_envelope_is_acknowledged_again_and_stored_once() {
    JsonObject payload = message("1700000002.000002", SlackPlatform.GROUP, "channel", "once");
    slack.platform.socket().send("events_api", "env-b", payload, 0);
    slack.platform.socket().awaitAck("env-b", 1, Running.TIMEOUT);

    slack.platform.socket().send("events_api", "env-b", payload, 1);
    slack.platform.socket().awaitAck("env-b", 2, Running.TIMEOUT);

    assertEquals(1, slack.context.stored().size());
  }

  @Test
  void an_envelope_whose_message_could_not_be_stored_is_not_acknowledged() {
    slack.context.failEverything();
    slack.platform.socket().send("events_api", "env-c", message("1700000002.000003", SlackPlatform.GROUP, "channel", "lost?"), 0);
    slack.context.awaitSubmitted("the failed submit", e -> e.text().equals("lost?"), Running.TIMEOUT);

    // Envelopes are handled in order: once the next one is acknowledged, the first was handled.
    slack.context.storeEverything();
    slack.platform.socket().send("events_api", "env-d", message("1700000002.000004", SlackPlatform.GROUP, "channel", "next"), 0);
    slack.platform.socket().awaitAck("env-d", 1, Running.TIMEOUT);

    assertEquals(List.of("env-d"), slack.platform.socket().acks());
  }

  @Test
  void a_button_press_envelope_is_acknowledged_once_stored_and_the_question_then_shows_the_choice() {
    String questionTs = SlackEventsApiTest.postQuestion(slack);
    JsonObject press = slack.platform.press(SlackPlatform.GROUP, questionTs, "Yes", SlackPlatform.ADA);

    slack.platform.socket().send("interactive", "env-press", press, 0);
    slack.platform.socket().awaitAck("env-press", 1, Running.TIMEOUT);

    assertEquals("yes", slack.context.answers().getFirst().value(), "stored before the ack");
    SlackEventsApiTest.assertShowsChoice(slack.api().awaitCall("chat.update", Running.TIMEOUT), questionTs);
  }

  @Test
  void a_thread_reply_to_the_bot_carries_the_thread_and_addresses_the_bot() {
    JsonObject payload = message("1700000002.000005", SlackPlatform.GROUP, "channel", "and then?");
    payload.getAsJsonObject("event").addProperty("thread_ts", "1700000000.000009");
    payload.getAsJsonObject("event").addProperty("parent_user_id", FakeSlack.BOT_USER);
    slack.platform.socket().send("events_api", "env-e", payload, 0);

    InboundEvent stored = slack.context.awaitStored("1700000002.000005", Running.TIMEOUT);

    assertEquals("1700000000.000009", stored.threadId());
    assertTrue(stored.addressing().replyToBot());
    assertEquals("1700000000.000009", stored.replyTo().messageId());
  }
}
