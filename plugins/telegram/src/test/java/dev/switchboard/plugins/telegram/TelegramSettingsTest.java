package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelegramSettingsTest {
  private static final String TOKEN = "123:abc_DEF-ghi";

  private static TelegramSettings read(Map<String, String> values, Map<String, String> environment) {
    return TelegramSettings.from(new Settings("channels.telegram", values, environment));
  }

  @Test
  void a_missing_token_refuses_the_channel_with_a_message_saying_how_to_fix_it() {
    ConfigException refused = assertThrows(ConfigException.class, () -> read(Map.of(), Map.of()));

    assertTrue(refused.getMessage().contains("channels.telegram.token is required"), refused.getMessage());
    assertTrue(refused.getMessage().contains("TELEGRAM_BOT_TOKEN"), refused.getMessage());
  }

  @Test
  void the_token_and_api_url_come_from_the_environment_when_the_file_has_none() {
    TelegramSettings settings =
        read(Map.of(), Map.of("TELEGRAM_BOT_TOKEN", TOKEN, "TELEGRAM_API_URL", "http://127.0.0.1:8081"));

    assertEquals(TOKEN, settings.token());
    assertEquals(URI.create("http://127.0.0.1:8081"), settings.apiUrl());
  }

  @Test
  void the_defaults_are_polling_the_public_bot_api_with_telegrams_limits() {
    TelegramSettings settings = read(Map.of("token", TOKEN), Map.of());

    assertEquals(TelegramSettings.Mode.POLLING, settings.mode());
    assertEquals(URI.create("https://api.telegram.org"), settings.apiUrl());
    assertEquals(TelegramSettings.BotMessages.IGNORE, settings.botMessages());
    assertEquals(TelegramSettings.EditedMessages.IGNORE, settings.editedMessages());
    assertEquals(20L * 1024 * 1024, settings.maxFileSize());
    assertEquals(new RateLimit(1, Duration.ofSeconds(1)), settings.rateLimit(), "one a second to a private chat");
    assertEquals(new RateLimit(1, Duration.ofSeconds(3)), settings.groupRateLimit(), "twenty a minute to a group");
    assertEquals(new RateLimit(1, Duration.ofMillis(34)), settings.channelRateLimit(), "thirty a second in all");
    assertEquals(Duration.ofSeconds(50), settings.pollTimeout());
  }

  @ParameterizedTest(name = "{0}={1} is refused")
  @CsvSource({
    "token, not a token",
    "mode, push",
    "apiUrl, https://api.telegram.org/some/path",
    "apiUrl, ftp://example.com",
    "botMessages, sometimes",
    "editedMessages, merge",
    "files.maxSize, -1",
    "polling.timeout, 5m",
    "webhook.secret, has spaces in it",
  })
  void a_wrong_value_is_refused_naming_its_key(String key, String value) {
    Map<String, String> values = new HashMap<>(Map.of("token", TOKEN));
    values.put(key, value);

    ConfigException refused = assertThrows(ConfigException.class, () -> read(values, Map.of()));

    assertTrue(refused.getMessage().contains("channels.telegram." + key), refused.getMessage());
  }

  @Test
  void each_pace_can_be_set_and_a_half_set_one_is_refused() {
    TelegramSettings settings =
        read(Map.of("token", TOKEN, "groupRateLimit.burst", "2", "groupRateLimit.interval", "4s",
            "channelRateLimit.burst", "5", "channelRateLimit.interval", "200ms"), Map.of());
    assertEquals(new RateLimit(2, Duration.ofSeconds(4)), settings.groupRateLimit());
    assertEquals(new RateLimit(5, Duration.ofMillis(200)), settings.channelRateLimit());

    ConfigException refused =
        assertThrows(ConfigException.class, () -> read(Map.of("token", TOKEN, "channelRateLimit.burst", "5"), Map.of()));
    assertTrue(refused.getMessage().contains("channels.telegram.channelRateLimit.interval"), refused.getMessage());
  }

  @Test
  void webhook_mode_needs_a_public_url() {
    ConfigException refused =
        assertThrows(ConfigException.class, () -> read(Map.of("token", TOKEN, "mode", "webhook", "webhook.secret", "s3cret"), Map.of()));

    assertTrue(refused.getMessage().contains("webhook.publicUrl"), refused.getMessage());
  }

  @Test
  void the_settings_never_print_the_token_or_the_secret() {
    TelegramSettings settings =
        read(Map.of("token", TOKEN, "mode", "webhook", "webhook.publicUrl", "https://x.example/webhooks/telegram/update", "webhook.secret", "s3cret_value"), Map.of());

    assertFalse(settings.toString().contains(TOKEN));
    assertFalse(settings.toString().contains("s3cret_value"));
  }
}
