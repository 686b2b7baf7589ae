package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/** A row for a session's {@code messages_in}, before the host gives it its seq. */
public record InboundRow(
    String id,
    String kind,
    String timestamp,
    String processAfter,
    String recurrence,
    String platformId,
    String channelType,
    String threadId,
    String content) {
  public InboundRow {
    requireNonNull(id, "id is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(timestamp, "timestamp is null");
    requireNonNull(content, "content is null");
  }

  public InboundRow withId(String newId) {
    return new InboundRow(
        newId, kind, timestamp, processAfter, recurrence, platformId, channelType, threadId, content);
  }
}
