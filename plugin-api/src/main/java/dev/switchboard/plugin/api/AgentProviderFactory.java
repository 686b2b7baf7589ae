package dev.switchboard.plugin.api;

import org.pf4j.ExtensionPoint;

/**
 * The extension point of an agent provider plugin. An agent group names its provider in {@code
 * agent_groups.agent_provider} (a session may override it); the gateway creates each provider once,
 * from the {@code agents.providers.<name>} section of its configuration.
 */
public interface AgentProviderFactory extends ExtensionPoint {

  /** The provider's name, e.g. {@code command}; lower case, no spaces. */
  String name();

  /** @throws ConfigException when a setting is missing or wrong */
  AgentProvider create(Settings settings);
}
