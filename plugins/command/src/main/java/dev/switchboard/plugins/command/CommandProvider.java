package dev.switchboard.plugins.command;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.RunningAgent;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each session's agent as a local program: the one its agent group's {@code
 * container_config.command} names, in the agent group's folder, with the session contract's
 * environment and its output appended to the session's log file.
 */
final class CommandProvider implements AgentProvider {
  private static final Logger log = LoggerFactory.getLogger(CommandProvider.class);

  private final CommandSettings settings;
  private final Map<String, String> gatewayEnvironment;

  /**
   * @param settings the provider's settings
   * @param gatewayEnvironment the gateway's environment, of which agents only get a few names
   */
  CommandProvider(CommandSettings settings, Map<String, String> gatewayEnvironment) {
    this.settings = requireNonNull(settings, "settings is null");
    this.gatewayEnvironment = Map.copyOf(gatewayEnvironment);
  }

  /**
   * @throws IllegalArgumentException when the agent group's config names no program or is ill-typed
   * @throws IOException when a folder cannot be made or the program cannot be started
   */
  @Override
  public RunningAgent start(AgentLaunch launch) throws IOException {
    CommandConfig config = CommandConfig.from(launch);
    SortedMap<String, String> environment =
        AgentEnvironment.build(
            gatewayEnvironment, settings.passEnvironment(), launch.environment(), config.env());
    warnAboutReplacedContract(launch, config);
    Process process = startProcess(launch, config, environment);
    CommandAgent agent = new CommandAgent(process, launch.sessionId(), settings.stopGrace());
    log.info(
        "started agent of session {} (agent group {}) as {}: {}",
        launch.sessionId(),
        launch.agentGroupId(),
        agent.ref(),
        config.describe());
    log.debug("agent {} has the environment variables {}", agent.ref(), environment.keySet());
    return agent;
  }

  @Override
  public void cleanUpStale(String ref) {
    try {
      Optional<ProcessRef> parsed = ProcessRef.parse(ref);
      if (parsed.isEmpty()) {
        log.warn("ignoring stale agent ref '{}': it is not <pid>@<start epoch millis>", ref);
        return;
      }
      Optional<ProcessHandle> process = parsed.get().find();
      if (process.isEmpty()) {
        log.debug("stale agent {} is gone already", ref);
        return;
      }
      log.warn("stopping agent {}, left running by an earlier run of the gateway", ref);
      if (!ProcessTree.terminate(process.get(), settings.stopGrace())) {
        log.error("stale agent {} is still running after SIGKILL", ref);
      }
    } catch (RuntimeException e) {
      // The gateway calls this while starting; one odd process must not stop it.
      log.warn("cleaning up stale agent {} failed", ref, e);
    }
  }

  /**
   * Owns no threads beyond running agents' own: wake writers are virtual threads that end with
   * their agent's input, which the gateway has closed by stopping every agent first.
   */
  @Override
  public void close() {}

  private static Process startProcess(
      AgentLaunch launch, CommandConfig config, Map<String, String> environment)
      throws IOException {
    Path workDir = launch.workDir().toAbsolutePath();
    Path logFile = launch.logFile().toAbsolutePath();
    Files.createDirectories(workDir);
    Files.createDirectories(logFile.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(config.commandLine())
            .directory(workDir.toFile())
            .redirectInput(Redirect.PIPE)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start the agent of session "
              + launch.sessionId()
              + " ("
              + config.describe()
              + " in "
              + workDir
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static void warnAboutReplacedContract(AgentLaunch launch, CommandConfig config) {
    Set<String> replaced = new TreeSet<>(config.env().keySet());
    replaced.retainAll(launch.environment().keySet());
    if (!replaced.isEmpty()) {
      log.warn(
          "agent group {} sets {} in container_config.env, replacing the session contract's values",
          launch.agentGroupId(),
          replaced);
    }
  }
}
