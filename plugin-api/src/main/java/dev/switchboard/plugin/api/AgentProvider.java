package dev.switchboard.plugin.api;

/**
 * Starts agents. The gateway decides when (it supervises, queues, restarts and stops them); the
 * provider only knows how.
 */
public interface AgentProvider extends AutoCloseable {

  /**
   * Starts the agent for one session. The session folder, both databases and the {@code
   * destinations}/{@code session_routing} tables are ready when this is called.
   *
   * @throws Exception when the agent could not be started; the gateway retries with backoff
   */
  RunningAgent start(AgentLaunch launch) throws Exception;

  /**
   * Called at gateway start for each agent that a previous run of the gateway recorded as running
   * under this provider and never saw stop (the gateway was killed). Stop whatever is left of it
   * (an orphaned process, a container), or do nothing if it is gone. Must not throw.
   */
  default void cleanUpStale(String ref) {}

  /** Releases the provider's own resources. Running agents have been stopped before. */
  @Override
  default void close() {}
}
