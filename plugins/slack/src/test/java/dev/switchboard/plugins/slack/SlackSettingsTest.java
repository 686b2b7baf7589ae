package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackSettingsTest {

  private static SlackSettings read(Map<String, String> values, Map<String, String> environment) {
    return SlackSettings.from(new Settings("channels.slack", values, environment));
  }

  @Test
  void a_missing_bot_token_stops_the_channel_with_how_to_fix_it() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> read(Map.of("signingSecret", "s"), Map.of()));

    assertTrue(e.getMessage().contains("channels.slack.botToken"), e.getMessage());
    assertTrue(e.getMessage().contains("SLACK_BOT_TOKEN"), e.getMessage());
  }

  @Test
  void the_events_api_without_a_signing_secret_refuses_to_start() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> read(Map.of("botToken", "xoxb-1"), Map.of()));

    assertTrue(e.getMessage().contains("signingSecret"), e.getMessage());
    assertTrue(e.getMessage().contains("SLACK_SIGNING_SECRET"), e.getMessage());
  }

  @Test
  void socket_mode_without_an_app_token_refuses_to_start() {
    assertThrows(
        ConfigException.class,
        () -> read(Map.of("botToken", "xoxb-1", "mode", "socket", "signingSecret", "s"), Map.of()));
  }

  @Test
  void an_app_token_means_socket_mode_and_tokens_come_from_the_environment() {
    SlackSettings settings =
        read(Map.of(), Map.of("SLACK_BOT_TOKEN", "xoxb-env", "SLACK_APP_TOKEN", "xapp-env"));

    assertEquals(SlackSettings.Mode.SOCKET, settings.mode());
    assertEquals("xoxb-env", settings.botToken());
    assertEquals(URI.create("https://slack.com/api/"), settings.apiUrl());
    assertEquals(new RateLimit(3, Duration.ofSeconds(1)), settings.rateLimit());
    assertEquals(20L * 1024 * 1024, settings.maxFileBytes());
  }

  @Test
  void the_signing_secret_and_the_api_url_come_from_the_environment() {
    SlackSettings settings =
        read(
            Map.of("botToken", "xoxb-1"),
            Map.of("SLACK_SIGNING_SECRET", "env-secret", "SLACK_API_URL", "https://slack-gov.com/api"));

    assertEquals(SlackSettings.Mode.EVENTS, settings.mode());
    assertEquals("env-secret", settings.signingSecret());
    assertEquals(URI.create("https://slack-gov.com/api/"), settings.apiUrl());
  }

  @Test
  void the_settings_file_wins_over_the_environment() {
    SlackSettings settings =
        read(
            Map.of("botToken", "xoxb-1", "signingSecret", "file-secret", "apiUrl", "http://127.0.0.1:9/api/"),
            Map.of("SLACK_SIGNING_SECRET", "env-secret", "SLACK_API_URL", "https://slack-gov.com/api"));

    assertEquals("file-secret", settings.signingSecret());
    assertEquals(URI.create("http://127.0.0.1:9/api/"), settings.apiUrl());
  }

  @Test
  void the_api_url_gets_its_trailing_slash_and_other_keys_are_read() {
    SlackSettings settings =
        read(
            Map.of(
                "botToken", "xoxb-1",
                "signingSecret", "s",
                "apiUrl", "https://slack-gov.com/api",
                "maxFileBytes", "1024",
                "rateLimit.burst", "1",
                "rateLimit.interval", "2s"),
            Map.of());

    assertEquals(URI.create("https://slack-gov.com/api/"), settings.apiUrl());
    assertEquals(SlackSettings.Mode.EVENTS, settings.mode());
    assertEquals(1024, settings.maxFileBytes());
    assertEquals(new RateLimit(1, Duration.ofSeconds(2)), settings.rateLimit());
  }

  @Test
  void a_bad_mode_or_api_url_names_the_key() {
    ConfigException mode =
        assertThrows(
            ConfigException.class,
            () -> read(Map.of("botToken", "x", "signingSecret", "s", "mode", "rtm"), Map.of()));
    ConfigException url =
        assertThrows(
            ConfigException.class,
            () -> read(Map.of("botToken", "x", "signingSecret", "s", "apiUrl", "slack.com"), Map.of()));

    assertTrue(mode.getMessage().contains("channels.slack.mode"), mode.getMessage());
    assertTrue(url.getMessage().contains("channels.slack.apiUrl"), url.getMessage());
  }

  @Test
  void secrets_never_show_in_the_settings_text() {
    String text =
        read(Map.of("botToken", "xoxb-secret", "signingSecret", "sig-secret", "appToken", "xapp-secret"), Map.of())
            .toString();

    assertFalse(text.contains("secret"), text);
  }
}
