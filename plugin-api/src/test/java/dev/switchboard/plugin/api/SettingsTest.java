package dev.switchboard.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
  @Test
  void a_setting_wins_over_its_environment_variable() {
    Settings settings =
        new Settings("channels.x", Map.of("token", "from-file"), Map.of("X_TOKEN", "from-env"));
    assertEquals("from-file", settings.require("token", "X_TOKEN"));
    Settings envOnly = new Settings("channels.x", Map.of(), Map.of("X_TOKEN", "from-env"));
    assertEquals("from-env", envOnly.require("token", "X_TOKEN"));
  }

  @Test
  void a_missing_required_setting_names_the_key_and_the_variable() {
    Settings settings = new Settings("channels.x", Map.of(), Map.of());
    ConfigException e = assertThrows(ConfigException.class, () -> settings.require("token", "X_TOKEN"));
    assertEquals(
        "channels.x.token is required; set it in the config file or in the environment as X_TOKEN",
        e.getMessage());
  }

  @Test
  void masked_values_hide_secrets_and_credentials_in_urls() {
    Settings settings =
        Settings.of(
            "channels.x",
            Map.of(
                "token", "t0ps3cret",
                "signingSecret", "s3cret",
                "callbackUrl", "https://user:pa55@example.org/hook",
                "apiUrl", "http://127.0.0.1:8081/api/",
                "mode", "polling"));
    Map<String, String> masked = settings.masked();
    assertEquals("****", masked.get("token"));
    assertEquals("****", masked.get("signingSecret"));
    assertEquals("https://****@example.org/hook", masked.get("callbackUrl"));
    assertEquals("http://127.0.0.1:8081/api/", masked.get("apiUrl"));
    assertEquals("polling", masked.get("mode"));
    assertFalse(settings.toString().contains("t0ps3cret"));
    assertFalse(settings.toString().contains("pa55"));
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "2h, 7200000", "1d, 86400000", "PT1.5S, 1500"})
  void reads_durations(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Settings.parseDuration("x", text));
  }

  @Test
  void a_bad_duration_or_number_says_what_is_expected() {
    Settings settings = Settings.of("s", Map.of("wait", "soon", "count", "many", "flag", "perhaps"));
    assertTrue(assertThrows(ConfigException.class, () -> settings.getDuration("wait", Duration.ZERO))
        .getMessage().startsWith("s.wait must be a duration such as 500ms"));
    assertTrue(assertThrows(ConfigException.class, () -> settings.getInt("count", 1))
        .getMessage().startsWith("s.count must be a whole number"));
    assertTrue(assertThrows(ConfigException.class, () -> settings.getBoolean("flag", false))
        .getMessage().startsWith("s.flag must be true or false"));
  }

  @Test
  void the_api_version_is_read_from_the_jar() {
    assertTrue(PluginApi.VERSION.matches("\\d+\\.\\d+\\.\\d+"), PluginApi.VERSION);
  }
}
