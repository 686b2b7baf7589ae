package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandConfigTest {
  private static final Path ROOT = Path.of("/tmp/unused");

  @Test
  void reads_command_args_and_env() {
    CommandConfig config =
        CommandConfig.from(
            Launches.of(
                ROOT,
                Map.of(
                    "command", "python3",
                    "args", List.of("agent.py", "--verbose"),
                    "env", Map.of("LOG_LEVEL", "debug"))));

    assertEquals(List.of("python3", "agent.py", "--verbose"), config.commandLine());
    assertEquals(Map.of("LOG_LEVEL", "debug"), config.env());
  }

  @Test
  void args_and_env_are_optional() {
    CommandConfig config = CommandConfig.from(Launches.of(ROOT, Map.of("command", "./agent")));

    assertEquals(List.of("./agent"), config.commandLine());
    assertEquals(Map.of(), config.env());
  }

  @Test
  void a_missing_command_names_the_group_and_says_how_to_set_it() {
    String message = rejected(Map.of("args", List.of("agent.py")));

    assertTrue(message.contains("'" + Launches.GROUP_NAME + "'"), message);
    assertTrue(message.contains(Launches.GROUP_ID), message);
    assertTrue(message.contains("has no container_config.command"), message);
    assertTrue(message.contains("groups add"), message);
    assertTrue(message.contains("--config '{\"command\""), message);
  }

  @Test
  void a_command_that_is_not_a_string_is_rejected_with_its_type() {
    String message = rejected(Map.of("command", List.of("python3", "agent.py")));

    assertTrue(message.contains("container_config.command that is a list"), message);
    assertTrue(message.contains(Launches.GROUP_ID), message);
  }

  @Test
  void a_blank_command_is_rejected() {
    String message = rejected(Map.of("command", "  "));

    assertTrue(message.contains("container_config.command"), message);
  }

  @Test
  void args_that_are_not_a_list_are_rejected() {
    String message = rejected(Map.of("command", "python3", "args", "agent.py --verbose"));

    assertTrue(message.contains("container_config.args must be a list of strings"), message);
    assertTrue(message.contains("it is a string"), message);
    assertTrue(message.contains(Launches.GROUP_ID), message);
  }

  @Test
  void an_argument_that_is_not_a_string_is_rejected_with_its_index() {
    String message = rejected(Map.of("command", "python3", "args", List.of("agent.py", 8080)));

    assertTrue(
        message.contains("container_config.args[1] must be a string; it is a number"), message);
  }

  @Test
  void env_that_is_not_an_object_is_rejected() {
    String message = rejected(Map.of("command", "python3", "env", List.of("A=1")));

    assertTrue(message.contains("container_config.env must be an object of strings"), message);
    assertTrue(message.contains("it is a list"), message);
  }

  @Test
  void an_env_value_that_is_not_a_string_is_rejected_with_its_name() {
    String message = rejected(Map.of("command", "python3", "env", Map.of("WORKERS", 4)));

    assertTrue(message.contains("container_config.env.WORKERS must be a string"), message);
  }

  @Test
  void an_env_name_that_is_not_a_variable_name_is_rejected() {
    String message = rejected(Map.of("command", "python3", "env", Map.of("A=B", "1")));

    assertTrue(message.contains("'A=B'"), message);
  }

  @Test
  void a_null_arg_is_rejected_rather_than_passed_on() {
    Map<String, Object> config = new HashMap<>();
    config.put("command", "python3");
    config.put("args", java.util.Arrays.asList("agent.py", null));

    String message = rejected(config);

    assertTrue(message.contains("args[1] must be a string; it is null"), message);
  }

  @Test
  void descriptions_for_logs_mask_secret_looking_arguments() {
    CommandConfig config =
        new CommandConfig(
            "agent",
            List.of("--model", "big", "--api-key=sk-123", "--token", "abc", "plain"),
            Map.of("SECRET_TOKEN", "hidden"));

    String description = config.describe();

    assertEquals("agent --model big --api-key=**** --token **** plain", description);
    assertFalse(config.toString().contains("hidden"), config.toString());
    assertTrue(config.toString().contains("SECRET_TOKEN"), config.toString());
  }

  private static String rejected(Map<String, Object> config) {
    return assertThrows(
            IllegalArgumentException.class, () -> CommandConfig.from(Launches.of(ROOT, config)))
        .getMessage();
  }
}
