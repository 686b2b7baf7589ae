package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the channel checks when it starts, against the fake Web API. */
class SlackStartTest {
  private static final String WRONG_TOKEN = "xoxb-wrong-token-4815162342";

  @TempDir Path folder;

  @Test
  void an_invalid_bot_token_refuses_the_channel_with_a_message_that_does_not_show_the_token() {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> Running.start(SlackSettings.Mode.EVENTS, folder, Map.of("botToken", WRONG_TOKEN)));

    String message = refused.getMessage();
    assertTrue(message.contains("auth.test failed: invalid_auth"), message);
    assertTrue(message.contains("channels.slack.botToken (SLACK_BOT_TOKEN)"), message);
    assertFalse(message.contains(WRONG_TOKEN), message);
    assertFalse(message.contains("4815162342"), message);
  }
}
