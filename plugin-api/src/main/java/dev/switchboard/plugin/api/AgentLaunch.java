package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a provider needs to start the agent of one session.
 *
 * @param sessionId the session
 * @param agentGroupId the agent group working it
 * @param agentGroupName the agent group's display name
 * @param workDir the agent group's folder (its workspace); the working directory of local agents
 * @param sessionDir the session folder, {@code data/sessions/<agent group id>/<session id>/}
 * @param environment the session contract's environment variables, complete
 * @param config the agent group's {@code container_config}, parsed from JSON into plain maps,
 *     lists, strings, numbers and booleans (empty when unset)
 * @param logFile where the agent's own output should go
 */
public record AgentLaunch(
    String sessionId,
    String agentGroupId,
    String agentGroupName,
    Path workDir,
    Path sessionDir,
    Map<String, String> environment,
    Map<String, Object> config,
    Path logFile) {

  public AgentLaunch {
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(agentGroupId, "agentGroupId is null");
    requireNonNull(workDir, "workDir is null");
    requireNonNull(sessionDir, "sessionDir is null");
    requireNonNull(logFile, "logFile is null");
    environment = Map.copyOf(environment);
    config = Map.copyOf(config);
  }

  public Path inboundDb() {
    return sessionDir.resolve("inbound.db");
  }

  public Path outboundDb() {
    return sessionDir.resolve("outbound.db");
  }

  public Path heartbeat() {
    return sessionDir.resolve(".heartbeat");
  }
}
