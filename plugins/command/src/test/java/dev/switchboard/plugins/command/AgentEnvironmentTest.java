package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentEnvironmentTest {
  private static final Map<String, String> GATEWAY =
      Map.of(
          "PATH", "/usr/bin:/bin",
          "HOME", "/home/switchboard",
          "LANG", "C.UTF-8",
          "USER", "switchboard",
          "TELEGRAM_BOT_TOKEN", "123456:gateway-secret",
          "SWITCHBOARD_API_TOKEN", "admin-secret",
          "HTTPS_PROXY", "http://proxy:3128",
          "JAVA_TOOL_OPTIONS", "-Xmx1g");

  private static final Map<String, String> CONTRACT =
      Map.of(
          "SESSION_INBOUND_DB_PATH", "/data/sessions/g/s/inbound.db",
          "SESSION_OUTBOUND_DB_PATH", "/data/sessions/g/s/outbound.db",
          "SESSION_HEARTBEAT_PATH", "/data/sessions/g/s/.heartbeat",
          "TZ", "UTC");

  @Test
  void agents_get_the_base_names_and_the_contract_and_nothing_else_of_the_gateway() {
    Map<String, String> environment =
        AgentEnvironment.build(GATEWAY, List.of(), CONTRACT, Map.of());

    Map<String, String> expected = new java.util.TreeMap<>(CONTRACT);
    expected.put("PATH", "/usr/bin:/bin");
    expected.put("HOME", "/home/switchboard");
    expected.put("LANG", "C.UTF-8");
    expected.put("USER", "switchboard");
    assertEquals(expected, environment);
  }

  @Test
  void gateway_secrets_never_reach_an_agent_unless_listed() {
    Map<String, String> environment =
        AgentEnvironment.build(GATEWAY, List.of(), CONTRACT, Map.of());

    assertFalse(environment.containsKey("TELEGRAM_BOT_TOKEN"));
    assertFalse(environment.containsKey("SWITCHBOARD_API_TOKEN"));
    assertFalse(environment.containsKey("JAVA_TOOL_OPTIONS"));
  }

  @Test
  void listed_names_are_passed_when_the_gateway_has_them() {
    Map<String, String> environment =
        AgentEnvironment.build(
            GATEWAY, List.of("HTTPS_PROXY", "NOT_SET_ANYWHERE"), CONTRACT, Map.of());

    assertEquals("http://proxy:3128", environment.get("HTTPS_PROXY"));
    assertFalse(environment.containsKey("NOT_SET_ANYWHERE"));
    assertFalse(environment.containsKey("TELEGRAM_BOT_TOKEN"));
  }

  @Test
  void base_names_the_gateway_lacks_are_left_out() {
    Map<String, String> environment =
        AgentEnvironment.build(Map.of("PATH", "/bin"), List.of(), Map.of(), Map.of());

    assertEquals(Map.of("PATH", "/bin"), environment);
  }

  @Test
  void the_contract_wins_over_the_gateway_and_the_group_wins_over_both() {
    Map<String, String> environment =
        AgentEnvironment.build(
            Map.of("TZ", "Europe/Berlin", "LANG", "de_DE.UTF-8"),
            List.of("TZ"),
            Map.of("TZ", "UTC", "AGENT_PROVIDER", "command"),
            Map.of("LANG", "C.UTF-8", "AGENT_PROVIDER", "custom"));

    assertEquals(Map.of("TZ", "UTC", "LANG", "C.UTF-8", "AGENT_PROVIDER", "custom"), environment);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PATH", "_X", "a1", "HTTPS_PROXY"})
  void accepts_portable_variable_names(String name) {
    assertTrue(AgentEnvironment.isValidName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1X", "A=B", "A B", "A-B", "Ä"})
  void rejects_names_that_are_not_portable(String name) {
    assertFalse(AgentEnvironment.isValidName(name));
  }
}
