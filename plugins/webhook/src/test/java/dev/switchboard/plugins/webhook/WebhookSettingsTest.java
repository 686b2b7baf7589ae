package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSettingsTest {

  @Test
  void defaults_apply_when_nothing_is_set() {
    WebhookSettings settings = WebhookSettings.from(Settings.of("channels.webhook", Map.of()));

    assertNull(settings.token());
    assertNull(settings.callbackUrl());
    assertNull(settings.signingSecret());
    assertEquals(Duration.ofSeconds(10), settings.callbackTimeout());
    assertEquals(Duration.ofSeconds(60), settings.maxWait());
    assertEquals(65_536, settings.maxTextLength());
    assertEquals(RateLimit.UNLIMITED, settings.rateLimit());
  }

  @Test
  void callback_and_secret_come_from_the_environment_when_not_set() {
    Map<String, String> environment =
        Map.of(
            "SWITCHBOARD_WEBHOOK_CALLBACK_URL", "https://example.com/hook",
            "SWITCHBOARD_WEBHOOK_SIGNING_SECRET", "env-secret");

    WebhookSettings settings =
        WebhookSettings.from(new Settings("channels.webhook", Map.of(), environment));

    assertEquals(URI.create("https://example.com/hook"), settings.callbackUrl());
    assertEquals("env-secret", settings.signingSecret());
  }

  @Test
  void rate_limit_is_taken_when_both_parts_are_given() {
    WebhookSettings settings =
        WebhookSettings.from(
            Settings.of(
                "channels.webhook", Map.of("rateLimit.burst", "5", "rateLimit.interval", "2s")));

    assertEquals(new RateLimit(5, Duration.ofSeconds(2)), settings.rateLimit());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "callbackUrl, ftp://example.com/x",
    "callbackUrl, example.com/hook",
    "callbackUrl, http://",
    "callbackTimeout, 0s",
    "callbackTimeout, soon",
    "maxWait, -5s",
    "maxTextLength, 0",
    "maxTextLength, lots",
    "token, 'has space'",
    "rateLimit.burst, 5"
  })
  void bad_value_is_a_config_exception_naming_the_key(String key, String value) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> WebhookSettings.from(Settings.of("channels.webhook", Map.of(key, value))));

    assertTrue(e.getMessage().contains("channels.webhook." + key), e.getMessage());
  }

  @Test
  void secrets_stay_out_of_messages_and_to_string() {
    WebhookSettings settings =
        WebhookSettings.from(
            Settings.of(
                "channels.webhook",
                Map.of(
                    "token",
                    "tok-VALUE-1",
                    "signingSecret",
                    "sec-VALUE-2",
                    "callbackUrl",
                    "https://u:pw-VALUE-3@example.com/h?k=q-VALUE-4")));
    ConfigException bad =
        assertThrows(
            ConfigException.class,
            () ->
                WebhookSettings.from(
                    Settings.of("channels.webhook", Map.of("token", "bad token-VALUE-5"))));
    ConfigException badUrl =
        assertThrows(
            ConfigException.class,
            () ->
                WebhookSettings.from(
                    Settings.of(
                        "channels.webhook", Map.of("callbackUrl", "ftp://u:pw-VALUE-6@host"))));

    assertFalse(settings.toString().contains("VALUE"), settings.toString());
    assertFalse(bad.getMessage().contains("VALUE"));
    assertFalse(badUrl.getMessage().contains("VALUE"));
  }
}
