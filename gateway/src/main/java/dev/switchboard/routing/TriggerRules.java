package dev.switchboard.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A wiring's {@code trigger_rules} JSON: {@code {"pattern", "requiresTrigger", "mentionOnly",
 * "includeSenders", "excludeSenders", "stopOnMatch"}}. Null means no rule.
 */
public record TriggerRules(
    Pattern pattern,
    boolean requiresTrigger,
    boolean mentionOnly,
    Set<String> includeSenders,
    Set<String> excludeSenders,
    boolean stopOnMatch) {
  public static final TriggerRules NONE =
      new TriggerRules(null, false, false, Set.of(), Set.of(), false);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS =
      Set.of("pattern", "requiresTrigger", "mentionOnly", "includeSenders", "excludeSenders",
          "stopOnMatch");

  public TriggerRules {
    includeSenders = Set.copyOf(includeSenders);
    excludeSenders = Set.copyOf(excludeSenders);
  }

  /**
   * Parses the JSON of a wiring.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TriggerRules parse(String json) {
    if (json == null || json.isBlank() || json.equals("null")) {
      return NONE;
    }
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("trigger rules are not JSON: " + json);
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("trigger rules must be a JSON object: " + json);
    }
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                    "unknown trigger rule '" + key + "'; known: " + String.join(", ", new java.util.TreeSet<>(KEYS)));
              }
            });
    Pattern pattern = null;
    if (node.hasNonNull("pattern")) {
      try {
        pattern = Pattern.compile(node.get("pattern").asText());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("trigger pattern is not a regular expression: " + e.getDescription());
      }
    }
    return new TriggerRules(
        pattern,
        node.path("requiresTrigger").asBoolean(false),
        node.path("mentionOnly").asBoolean(false),
        strings(node.get("includeSenders")),
        strings(node.get("excludeSenders")),
        node.path("stopOnMatch").asBoolean(false));
  }

  /** Builds the JSON for a wiring from CLI options; null when there is no rule. */
  public static String toJson(String pattern, boolean mentionOnly, boolean stopOnMatch) {
    if (pattern == null && !mentionOnly && !stopOnMatch) {
      return null;
    }
    ObjectNode node = JSON.createObjectNode();
    if (pattern != null) {
      node.put("pattern", pattern);
    }
    if (mentionOnly) {
      node.put("mentionOnly", true);
    }
    if (stopOnMatch) {
      node.put("stopOnMatch", true);
    }
    String json = node.toString();
    parse(json);
    return json;
  }

  private static Set<String> strings(JsonNode node) {
    if (node == null || node.isNull()) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("sender lists must be JSON arrays of ids");
    }
    List<String> values = new ArrayList<>();
    node.forEach(item -> values.add(item.asText()));
    return Set.copyOf(values);
  }
}
