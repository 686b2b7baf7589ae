package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/** A row of {@code agent_groups}: an agent's workspace folder, provider and its config. */
public record AgentGroup(
    String id,
    String name,
    String folder,
    boolean admin,
    String agentProvider,
    String containerConfig,
    String createdAt) {
  public AgentGroup {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(folder, "folder is null");
  }
}
