package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of one plugin instance: its own section of the configuration file, flattened to
 * dotted keys with string values, plus the process environment for {@code *Env} fallbacks.
 *
 * @param section where the settings come from, for messages, e.g. {@code channels.telegram}
 */
public record Settings(String section, Map<String, String> values, Map<String, String> environment) {

  public Settings {
    requireNonNull(section, "section is null");
    values = Map.copyOf(values);
    environment = Map.copyOf(environment);
  }

  /** Settings with no environment, for tests. */
  public static Settings of(String section, Map<String, String> values) {
    return new Settings(section, values, Map.of());
  }

  public Optional<String> get(String key) {
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /** The setting, else the environment variable, else empty. */
  public Optional<String> get(String key, String environmentVariable) {
    Optional<String> value = get(key);
    if (value.isPresent()) {
      return value;
    }
    String fromEnvironment = environment.get(environmentVariable);
    return fromEnvironment == null || fromEnvironment.isBlank()
        ? Optional.empty()
        : Optional.of(fromEnvironment);
  }

  public String require(String key) {
    return get(key)
        .orElseThrow(
            () -> new ConfigException(section + "." + key + " is required; set it in the config file"));
  }

  public String require(String key, String environmentVariable) {
    return get(key, environmentVariable)
        .orElseThrow(
            () ->
                new ConfigException(
                    section
                        + "."
                        + key
                        + " is required; set it in the config file or in the environment as "
                        + environmentVariable));
  }

  public String getOrDefault(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.get().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          section + "." + key + " must be a whole number, was '" + value.get() + "'");
    }
  }

  public long getLong(String key, long defaultValue) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.get().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          section + "." + key + " must be a whole number, was '" + value.get() + "'");
    }
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> value = get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default ->
          throw new ConfigException(
              section + "." + key + " must be true or false, was '" + value.get() + "'");
    };
  }

  /** A duration written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or ISO-8601. */
  public Duration getDuration(String key, Duration defaultValue) {
    Optional<String> value = get(key);
    return value.isEmpty() ? defaultValue : parseDuration(section + "." + key, value.get());
  }

  /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601. */
  public static Duration parseDuration(String name, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.startsWith("p")) {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1).trim());
      return switch (value.charAt(value.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException(value);
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new ConfigException(
          name + " must be a duration such as 500ms, 30s, 5m or 2h, was '" + text + "'");
    }
  }

  /** The values with every secret-looking key masked, for logs. */
  public Map<String, String> masked() {
    TreeMap<String, String> copy = new TreeMap<>();
    values.forEach((key, value) -> copy.put(key, isSecret(key) ? "****" : maskUserInfo(value)));
    return copy;
  }

  /** Hides credentials written into a URL ({@code https://user:pass@host/…}). */
  private static String maskUserInfo(String value) {
    return value.replaceAll("(?i)^([a-z][a-z0-9+.-]*://)[^/@\\s]+@", "$1****@");
  }

  private static final Set<String> SECRET_WORDS =
      Set.of("token", "secret", "password", "key", "credential", "auth");

  /** Whether a key names a secret (its value is never logged). */
  public static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  @Override
  public String toString() {
    return "Settings[" + section + " " + masked() + "]";
  }
}
