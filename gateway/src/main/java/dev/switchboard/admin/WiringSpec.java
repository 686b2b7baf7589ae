package dev.switchboard.admin;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.routing.TriggerRules;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation shared by the config file and the CLI. */
final class WiringSpec {
  static final Set<String> SESSION_MODES = Set.of("shared", "per-thread", "agent-shared");
  static final Set<String> SCOPES = Set.of("all", "triggered", "allowlisted");
  private static final Pattern FOLDER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private WiringSpec() {}

  static String folder(String folder) {
    if (folder == null || !FOLDER.matcher(folder).matches()) {
      throw new ConfigException(
          "agent group folder '" + folder + "' is not valid: use 1-64 lower-case letters, digits,"
              + " '-' or '_', starting with a letter or digit");
    }
    return folder;
  }

  static String sessionMode(String mode) {
    if (!SESSION_MODES.contains(mode)) {
      throw new ConfigException(
          "session mode '" + mode + "' is not one of " + String.join(", ", new java.util.TreeSet<>(SESSION_MODES)));
    }
    return mode;
  }

  static String scope(String scope) {
    if (!SCOPES.contains(scope)) {
      throw new ConfigException(
          "scope '" + scope + "' is not one of " + String.join(", ", new java.util.TreeSet<>(SCOPES)));
    }
    return scope;
  }

  static String triggerRules(String json) {
    try {
      TriggerRules.parse(json);
      return json;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  static String containerConfig(String json) {
    if (json == null) {
      return null;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
      if (!node.isObject()) {
        throw new ConfigException("agent group config must be a JSON object, was: " + json);
      }
      return node.toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("agent group config is not JSON: " + e.getOriginalMessage());
    }
  }
}
