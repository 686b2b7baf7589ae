package dev.switchboard.plugins.command;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an agent group runs, from its {@code container_config}: {@code {"command": "python3",
 * "args": ["agent.py"], "env": {"NAME": "value"}}}.
 *
 * @param command the program, a path or a name looked up on the gateway's PATH
 * @param args its arguments
 * @param env variables added to the agent's environment, last, so they win over all others
 */
record CommandConfig(String command, List<String> args, Map<String, String> env) {

  private static final String EXAMPLE =
      "./switchboard groups add ... --config '{\"command\": \"python3\", \"args\":"
          + " [\"agent.py\"]}'";

  CommandConfig {
    requireNonNull(command, "command is null");
    args = List.copyOf(args);
    env = Map.copyOf(env);
    if (command.isBlank()) {
      throw new IllegalArgumentException("command is blank");
    }
    if (hasNul(command) || args.stream().anyMatch(CommandConfig::hasNul)) {
      throw new IllegalArgumentException("command and args must not contain NUL characters");
    }
    env.forEach(CommandConfig::checkVariable);
  }

  /**
   * Reads the launch's agent group config.
   *
   * @throws IllegalArgumentException when the command is missing or a value has the wrong type; the
   *     message names the agent group and the key, and says how to fix it
   */
  static CommandConfig from(AgentLaunch launch) {
    String group = describeGroup(launch);
    Map<String, Object> config = launch.config();
    Object command = config.get("command");
    if (!(command instanceof String text) || text.isBlank()) {
      String problem =
          switch (command) {
            case null -> "has no container_config.command";
            case String blank -> "has a blank container_config.command";
            default -> "has a container_config.command that is " + typeName(command);
          };
      throw new IllegalArgumentException(
          group
              + " "
              + problem
              + "; the command provider needs the program to run. Set"
              + " container_config.command, e.g. "
              + EXAMPLE);
    }
    try {
      return new CommandConfig(text, args(config.get("args")), env(config.get("env")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(group + ": container_config." + e.getMessage(), e);
    }
  }

  List<String> commandLine() {
    List<String> line = new ArrayList<>(args.size() + 1);
    line.add(command);
    line.addAll(args);
    return line;
  }

  /** The command line for logs, with secret-looking arguments masked. */
  String describe() {
    List<String> shown = new ArrayList<>(args.size() + 1);
    shown.add(command);
    boolean maskNext = false;
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (maskNext) {
        shown.add("****");
      } else if (Settings.isSecret(arg) && equals >= 0) {
        shown.add(arg.substring(0, equals + 1) + "****");
      } else {
        shown.add(arg);
      }
      // "--token abc" carries its secret in the next argument.
      maskNext = !maskNext && equals < 0 && arg.startsWith("-") && Settings.isSecret(arg);
    }
    return String.join(" ", shown);
  }

  // Records print every component, and env values may be credentials.
  @Override
  public String toString() {
    return "CommandConfig[" + describe() + ", env names=" + env.keySet() + "]";
  }

  private static List<String> args(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "args must be a list of strings, e.g. [\"agent.py\", \"--verbose\"]; it is "
              + typeName(value));
    }
    List<String> args = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String arg)) {
        throw new IllegalArgumentException(
            "args[" + i + "] must be a string; it is " + typeName(list.get(i)));
      }
      args.add(arg);
    }
    return args;
  }

  private static Map<String, String> env(Object value) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "env must be an object of strings, e.g. {\"LOG_LEVEL\": \"debug\"}; it is "
              + typeName(value));
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getValue() instanceof String text)) {
        throw new IllegalArgumentException(
            "env." + entry.getKey() + " must be a string; it is " + typeName(entry.getValue()));
      }
      env.put(String.valueOf(entry.getKey()), text);
    }
    return env;
  }

  private static void checkVariable(String name, String value) {
    if (!AgentEnvironment.isValidName(name)) {
      throw new IllegalArgumentException(
          "env has '"
              + name
              + "', which is not an environment variable name"
              + " (letters, digits and underscores, not starting with a digit)");
    }
    if (hasNul(value)) {
      throw new IllegalArgumentException("env." + name + " must not contain NUL characters");
    }
  }

  private static boolean hasNul(String text) {
    return text.indexOf('\0') >= 0;
  }

  private static String describeGroup(AgentLaunch launch) {
    String name = launch.agentGroupName();
    return name == null || name.isBlank()
        ? "agent group " + launch.agentGroupId()
        : "agent group '" + name + "' (" + launch.agentGroupId() + ")";
  }

  private static String typeName(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> "a string";
      case Number n -> "a number";
      case Boolean b -> "a boolean";
      case List<?> l -> "a list";
      case Map<?, ?> m -> "an object";
      default -> "a " + value.getClass().getSimpleName();
    };
  }
}
