package dev.switchboard.store;

import static java.util.Objects.requireNonNull;

/**
 * A row of the host's {@code deliveries}: one outbound row taken from a session, its resolved
 * destination, its attempts so far, and its recurrence (a cron expression) if it repeats.
 */
public record Delivery(
    String sessionId,
    String messageOutId,
    long seq,
    String kind,
    String content,
    String inReplyTo,
    String channelType,
    String platformId,
    String threadId,
    int attempts,
    String nextAttemptAt,
    String recurrence) {
  public Delivery {
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(messageOutId, "messageOutId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(content, "content is null");
    requireNonNull(nextAttemptAt, "nextAttemptAt is null");
  }

  /** Deliveries to one chat of one session go out one at a time, in seq order. */
  public String conversationKey() {
    return sessionId + "|" + channelType + "|" + platformId;
  }
}
