package dev.switchboard.plugin.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** An agent started by an {@link AgentProvider}. */
public interface RunningAgent {

  /**
   * A stable reference (a process id, a container id) that the gateway records so that it can hand
   * it to {@link AgentProvider#cleanUpStale} after a crash.
   */
  String ref();

  /** Completes when the agent has exited, for whatever reason. */
  CompletableFuture<Void> onExit();

  /**
   * A hint that the session has new due inbound rows. Agents that listen for it answer at once;
   * agents that poll their inbound.db work without it.
   */
  default void wake() {}

  /** Asks the agent to stop, and forces it after {@code grace}. Returns once it has exited. */
  void stop(Duration grace);
}
