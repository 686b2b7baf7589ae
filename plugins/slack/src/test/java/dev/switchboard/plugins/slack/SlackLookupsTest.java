package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.plugin.api.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The names of conversations and people: cached for an hour, and kept when Slack fails later. */
class SlackLookupsTest {
  private final MovableClock clock = new MovableClock();
  private FakeSlack fake;
  private SlackApi api;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeSlack();
    fake.channelName("C0NAMED", "design");
    SlackSettings settings =
        SlackSettings.from(
            Settings.of(
                "channels.slack",
                Map.of("botToken", FakeSlack.BOT_TOKEN, "signingSecret", "s", "apiUrl", fake.apiUrl())));
    api = new SlackApi(settings, clock);
  }

  @AfterEach
  void stop() {
    api.close();
    fake.close();
  }

  @Test
  void a_name_is_asked_for_once_an_hour() {
    assertEquals("design", api.conversation("C0NAMED").orElseThrow().name());
    clock.advance(Duration.ofMinutes(59));
    assertEquals("design", api.conversation("C0NAMED").orElseThrow().name());
    assertEquals(1, fake.calls("conversations.info").size());

    clock.advance(Duration.ofMinutes(2));
    api.conversation("C0NAMED");
    assertEquals(2, fake.calls("conversations.info").size());
  }

  @Test
  void when_a_look_up_fails_the_name_learnt_before_stands_in_however_old() {
    api.conversation("C0NAMED");
    api.userName("U0ADA");
    clock.advance(Duration.ofHours(5));
    fake.failConversationInfo("C0NAMED");

    assertEquals("design", api.conversation("C0NAMED").orElseThrow().name());
    assertEquals(2, fake.calls("conversations.info").size(), "Slack was asked again");
    assertEquals("design", api.knownConversation("C0NAMED").orElseThrow().name());
    assertEquals(Optional.of("Ada"), api.knownUserName("U0ADA"));
    assertEquals(Optional.empty(), api.knownConversation("C0NEVER"), "never asked, never known");
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2030-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
