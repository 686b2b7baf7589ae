package dev.switchboard.plugins.command;

import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.AgentProviderFactory;
import dev.switchboard.plugin.api.Settings;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code command} agent provider: runs any local program as a session's agent. Settings ({@code
 * agents.providers.command}): {@code passEnvironment}, a comma-separated list of gateway
 * environment variables agents also get; {@code stopGrace}, how long a stale agent gets between
 * SIGTERM and SIGKILL (default 10s).
 */
@Extension
public final class CommandProviderFactory implements AgentProviderFactory {
  private static final Logger log = LoggerFactory.getLogger(CommandProviderFactory.class);

  @Override
  public String name() {
    return "command";
  }

  /** Agents inherit only the names the settings allow from {@link Settings#environment()}. */
  @Override
  public AgentProvider create(Settings settings) {
    CommandSettings commandSettings = CommandSettings.from(settings);
    log.info(
        "command provider passes {} and {} of the gateway's environment to agents",
        AgentEnvironment.BASE_NAMES,
        commandSettings.passEnvironment());
    return new CommandProvider(commandSettings, settings.environment());
  }
}
