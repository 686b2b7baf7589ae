package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/**
 * A row of {@code messaging_group_agents}: which agent group answers in which chat, and when. For a
 * channel's default wiring (applied to new chats), {@code messagingGroupId} is null.
 */
public record Wiring(
    String id,
    String messagingGroupId,
    String agentGroupId,
    String triggerRules,
    String responseScope,
    String sessionMode,
    int priority,
    String createdAt) {
  public Wiring {
    requireNonNull(id, "id is null");
    requireNonNull(agentGroupId, "agentGroupId is null");
    responseScope = responseScope == null ? "all" : responseScope;
    sessionMode = sessionMode == null ? "shared" : sessionMode;
  }
}
