package dev.switchboard.plugins.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscordSettingsTest {

  @Test
  void a_missing_token_is_a_config_error_that_says_how_to_fix_it() {
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () -> new DiscordChannelFactory().create(Settings.of("channels.discord", Map.of()), FakeChannelContext.inTemporaryFolder()));

    assertTrue(error.getMessage().contains("channels.discord.token"), error.getMessage());
    assertTrue(error.getMessage().contains("DISCORD_BOT_TOKEN"), error.getMessage());
  }

  @Test
  void the_environment_gives_token_and_urls_and_defaults_fill_the_rest() {
    DiscordSettings settings =
        DiscordSettings.from(
            new Settings(
                "channels.discord",
                Map.of(),
                Map.of("DISCORD_BOT_TOKEN", "abc.def", "DISCORD_API_URL", "http://127.0.0.1:9/api/v10", "DISCORD_GATEWAY_URL", "ws://127.0.0.1:9/gw")));

    assertEquals("abc.def", settings.token());
    assertEquals("http://127.0.0.1:9/api/v10/", settings.apiUrl());
    assertEquals("ws://127.0.0.1:9/gw", settings.gatewayUrl());
    assertEquals(DiscordSettings.BotMessages.IGNORE, settings.botMessages());
    assertEquals(20L * 1024 * 1024, settings.maxAttachmentBytes());
    assertEquals(100, settings.catchUpMaxMessages());
    assertEquals(Duration.ofHours(24), settings.catchUpMaxAge());
    assertTrue(settings.messageContent());
    assertFalse(settings.toString().contains("abc.def"), "the token never reaches a log");
  }

  @Test
  void the_defaults_point_at_discord() {
    DiscordSettings settings = DiscordSettings.from(Settings.of("channels.discord", Map.of("token", "t")));

    assertEquals("https://discord.com/api/v10/", settings.apiUrl());
    assertEquals("wss://gateway.discord.gg/", settings.gatewayUrl());
    assertEquals(Duration.ofSeconds(10), settings.requestTimeout());
  }

  @Test
  void the_request_timeout_is_read_and_must_be_positive() {
    assertEquals(Duration.ofMillis(2500), from(Map.of("token", "t", "requestTimeout", "2500ms")).requestTimeout());
    ConfigException error = assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "requestTimeout", "0s")));
    assertTrue(error.getMessage().contains("channels.discord.requestTimeout"), error.getMessage());
  }

  @Test
  void wrong_values_name_their_key() {
    assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "apiUrl", "ftp://x")), "apiUrl");
    assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "gatewayUrl", "http://x")), "gatewayUrl");
    assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "publicKey", "abc")), "publicKey");
    assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "botMessages", "some")), "botMessages");
    assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "catchUp.maxMessages", "5000")), "cap");
    ConfigException error = assertThrows(ConfigException.class, () -> from(Map.of("token", "t", "catchUp.maxAge", "0s")));
    assertTrue(error.getMessage().contains("channels.discord.catchUp.maxAge"), error.getMessage());
  }

  private static DiscordSettings from(Map<String, String> values) {
    return DiscordSettings.from(Settings.of("channels.discord", values));
  }
}
