package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/** A row of {@code sessions}; its folder is {@code sessions/<agent group id>/<id>/}. */
public record Session(
    String id,
    String agentGroupId,
    String messagingGroupId,
    String threadId,
    String agentProvider,
    String status,
    String containerStatus,
    String lastActive,
    String createdAt) {
  public Session {
    requireNonNull(id, "id is null");
    requireNonNull(agentGroupId, "agentGroupId is null");
  }
}
