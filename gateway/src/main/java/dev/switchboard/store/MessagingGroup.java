package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/** A row of {@code messaging_groups}: one chat, as (channel type, platform id). */
public record MessagingGroup(
    String id,
    String channelType,
    String platformId,
    String name,
    boolean group,
    String adminUserId,
    String createdAt) {
  public MessagingGroup {
    requireNonNull(id, "id is null");
    requireNonNull(channelType, "channelType is null");
    requireNonNull(platformId, "platformId is null");
  }
}
