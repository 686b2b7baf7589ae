package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandSettingsTest {
  private static final String SECTION = "agents.providers.command";

  @Test
  void defaults_pass_no_extra_names_and_give_ten_seconds_of_grace() {
    CommandSettings settings = CommandSettings.from(Settings.of(SECTION, Map.of()));

    assertEquals(List.of(), settings.passEnvironment());
    assertEquals(Duration.ofSeconds(10), settings.stopGrace());
  }

  @Test
  void reads_a_comma_separated_list_of_names_and_a_grace() {
    CommandSettings settings =
        CommandSettings.from(
            Settings.of(
                SECTION,
                Map.of("passEnvironment", " ANTHROPIC_API_KEY, HTTPS_PROXY,,", "stopGrace", "3s")));

    assertEquals(List.of("ANTHROPIC_API_KEY", "HTTPS_PROXY"), settings.passEnvironment());
    assertEquals(Duration.ofSeconds(3), settings.stopGrace());
  }

  @Test
  void a_name_that_is_no_variable_name_is_a_config_error_naming_the_key() {
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () ->
                CommandSettings.from(
                    Settings.of(SECTION, Map.of("passEnvironment", "HOME,MY VAR"))));

    assertTrue(error.getMessage().contains(SECTION + ".passEnvironment"), error.getMessage());
    assertTrue(error.getMessage().contains("'MY VAR'"), error.getMessage());
  }

  @Test
  void a_negative_grace_is_a_config_error() {
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () -> CommandSettings.from(Settings.of(SECTION, Map.of("stopGrace", "-PT1S"))));

    assertTrue(error.getMessage().contains(SECTION + ".stopGrace"), error.getMessage());
  }
}
