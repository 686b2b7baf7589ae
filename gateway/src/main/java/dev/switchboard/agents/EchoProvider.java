package dev.switchboard.agents;

import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.RunningAgent;

/**
 * The built-in {@code echo} provider: an in-process agent that answers every chat message with
 * {@code echo: <text>}. It works on the session files exactly as an external agent would, so it is
 * both the newcomer's first agent and a test of the contract.
 */
public final class EchoProvider implements AgentProvider {
  public static final String NAME = "echo";

  @Override
  public RunningAgent start(AgentLaunch launch) {
    return EchoAgent.start(launch);
  }
}
