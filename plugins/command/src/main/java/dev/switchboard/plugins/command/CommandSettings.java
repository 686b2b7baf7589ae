package dev.switchboard.plugins.command;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of the command provider, read from its section ({@code agents.providers.command}).
 *
 * @param passEnvironment names of gateway environment variables an agent also gets, beyond {@link
 *     AgentEnvironment#BASE_NAMES}
 * @param stopGrace how long a stale agent found at gateway start gets between SIGTERM and SIGKILL,
 *     and the grace of a stop that names none
 */
record CommandSettings(List<String> passEnvironment, Duration stopGrace) {

  static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

  CommandSettings {
    passEnvironment = List.copyOf(passEnvironment);
    requireNonNull(stopGrace, "stopGrace is null");
    for (String name : passEnvironment) {
      if (!AgentEnvironment.isValidName(name)) {
        throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
      }
    }
    if (stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must not be negative");
    }
  }

  static CommandSettings defaults() {
    return new CommandSettings(List.of(), DEFAULT_STOP_GRACE);
  }

  /** Reads and checks the settings; every problem is a {@link ConfigException} naming its key. */
  static CommandSettings from(Settings settings) {
    String section = settings.section();
    List<String> names =
        settings.get("passEnvironment").stream()
            .flatMap(list -> Arrays.stream(list.split(",")))
            .map(String::trim)
            .filter(name -> !name.isEmpty())
            .toList();
    for (String name : names) {
      if (!AgentEnvironment.isValidName(name)) {
        throw new ConfigException(
            section
                + ".passEnvironment must be a comma-separated list of environment variable"
                + " names such as ANTHROPIC_API_KEY,HTTPS_PROXY; '"
                + name
                + "' is not one");
      }
    }
    Duration stopGrace = settings.getDuration("stopGrace", DEFAULT_STOP_GRACE);
    if (stopGrace.isNegative()) {
      throw new ConfigException(section + ".stopGrace must be zero or positive, e.g. 10s");
    }
    return new CommandSettings(names, stopGrace);
  }
}
