package dev.switchboard.plugins.command;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds an agent's environment. The gateway's own environment holds platform tokens, so an agent
 * never inherits it whole: it gets a few harmless names, the ones the operator lists, the session
 * contract's variables and its agent group's own.
 */
final class AgentEnvironment {

  /** Gateway variables every agent gets when the gateway has them: what programs need to run. */
  static final List<String> BASE_NAMES =
      List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private AgentEnvironment() {}

  /**
   * The environment of one agent; later sources win over earlier ones.
   *
   * @param gateway the gateway's environment, of which only {@link #BASE_NAMES} and {@code
   *     passNames} are taken
   * @param passNames further gateway variables the operator lets through
   * @param contract the session contract's variables
   * @param group the agent group's {@code container_config.env}
   */
  static SortedMap<String, String> build(
      Map<String, String> gateway,
      List<String> passNames,
      Map<String, String> contract,
      Map<String, String> group) {
    TreeMap<String, String> environment = new TreeMap<>();
    copyPresent(gateway, BASE_NAMES, environment);
    copyPresent(gateway, passNames, environment);
    environment.putAll(contract);
    environment.putAll(group);
    return Collections.unmodifiableSortedMap(environment);
  }

  /** Whether a name is a portable environment variable name: letters, digits, underscores. */
  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  private static void copyPresent(
      Map<String, String> from, List<String> names, Map<String, String> to) {
    for (String name : names) {
      String value = from.get(name);
      if (value != null) {
        to.put(name, value);
      }
    }
  }
}
