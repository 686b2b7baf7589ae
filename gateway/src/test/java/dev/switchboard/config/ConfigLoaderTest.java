package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));

  private static GatewayConfig parse(String yaml, Map<String, String> env) {
    return new ConfigLoader(env).parse(yaml, "test.yaml");
  }

  @Test
  void an_empty_file_gives_the_documented_defaults() {
    GatewayConfig config = parse("", Map.of());
    assertEquals(Path.of("data"), config.dataDir());
    assertEquals(Path.of("plugins"), config.pluginsDir());
    assertEquals(8080, config.http().port());
    assertEquals("127.0.0.1", config.http().host());
    assertEquals(8, config.agents().maxRunning());
    assertEquals(Duration.ofMinutes(30), config.agents().idleTimeout());
    assertEquals(Duration.ofMillis(250), config.delivery().pollInterval());
    assertEquals("UTC", config.timezone().getId());
    assertEquals(new GatewayConfig.Admission(32, 1000, Duration.ofSeconds(2)), config.http().admission());
  }

  @Test
  void admission_bounds_are_read_from_the_http_section() {
    GatewayConfig config =
        parse("http:\n  admission: {maxInFlight: 4, maxBacklog: 50, retryAfter: 10s}\n", Map.of());
    assertEquals(new GatewayConfig.Admission(4, 50, Duration.ofSeconds(10)), config.http().admission());
  }

  @Test
  void the_environment_overrides_port_data_and_plugins() {
    GatewayConfig config =
        parse(
            "http:\n  port: 9000\ndataDir: elsewhere\n",
            Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_DATA_DIR", "/tmp/d", "SWITCHBOARD_PLUGINS_DIR", "/tmp/p"));
    assertEquals(0, config.http().port());
    assertEquals(Path.of("/tmp/d"), config.dataDir());
    assertEquals(Path.of("/tmp/p"), config.pluginsDir());
  }

  @Test
  void the_shipped_default_and_example_configs_are_valid_and_wire_webhook_to_an_echo_main() throws Exception {
    for (String name : new String[] {"switchboard.yaml", "switchboard.example.yaml"}) {
      GatewayConfig config = parse(Files.readString(ROOT.resolve("config").resolve(name)), Map.of());
      assertTrue(config.channels().get("webhook").enabled(), name);
      assertEquals("main", config.agentGroups().get(0).folder(), name);
      assertEquals("echo", config.agentGroups().get(0).provider(), name);
      assertEquals("*", config.wirings().get(0).chat(), name);
    }
  }

  @Test
  void channel_sections_are_flattened_into_settings() {
    GatewayConfig config =
        parse("channels:\n  telegram:\n    enabled: false\n    token: t\n    rateLimit:\n      burst: 3\n", Map.of());
    GatewayConfig.ChannelSection telegram = config.channels().get("telegram");
    assertFalse(telegram.enabled());
    assertEquals(Map.of("token", "t", "rateLimit.burst", "3"), telegram.settings());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          htp: {}                                  | unknown setting htp in test.yaml; known here: agentGroups, agents
          http: {port: 70000}                      | http.port must be between 0 and 65535
          http: {port: eighty}                     | http.port must be a whole number
          agents: {idleTimeout: soon}              | agents.idleTimeout must be a duration such as 500ms
          agents: {maxRunning: 0}                  | agents.maxRunning must be at least 1
          'http: {admission: {maxInFlight: 0}}'    | http.admission.maxInFlight must be at least 1
          'http: {admission: {maxBacklog: -1}}'    | http.admission.maxBacklog must be at least 1
          'http: {admission: {retryAfter: 500ms}}' | http.admission.retryAfter must be at least 1s
          'http: {admission: {maxQueue: 5}}'       | unknown setting http.admission.maxQueue
          timezone: Mars/Olympus                   | timezone 'Mars/Olympus' is not a time zone
          agentGroups: [{name: x}]                 | agentGroups[0].folder is required
          wirings: [{channel: webhook, chat: a}]   | wirings[0].agentGroup is required
          'http: [1, 2'                            | test.yaml is not valid YAML
          """)
  void mistakes_stop_start_up_with_a_message_that_names_the_key(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, Map.of()));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void a_bad_port_in_the_environment_names_the_variable() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("", Map.of("SWITCHBOARD_HTTP_PORT", "x")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_HTTP_PORT"), e.getMessage());
  }

  @Test
  void a_missing_config_file_says_how_to_fix_it() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new ConfigLoader(Map.of("SWITCHBOARD_CONFIG", "/nonexistent/sb.yaml")).load());
    assertTrue(e.getMessage().contains("SWITCHBOARD_CONFIG"), e.getMessage());
  }
}
