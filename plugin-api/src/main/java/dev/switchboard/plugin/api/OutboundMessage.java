package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

/**
 * One outbound row for a channel to send.
 *
 * @param id the outbound row's id, stable across retries: pass it to platforms that accept an
 *     idempotency key (e.g. Discord's nonce) so that a retried send is not doubled
 * @param seq the agent's sequence number of this row
 * @param platformId the chat to send to
 * @param threadId the thread inside the chat, or null
 * @param replyToMessageId the platform message id this answers, or null
 * @param content what to send
 * @param attempt 1 for the first attempt, then 2, 3, … for retries
 */
public record OutboundMessage(
    String id,
    long seq,
    String platformId,
    String threadId,
    String replyToMessageId,
    OutboundContent content,
    int attempt) {

  public OutboundMessage {
    requireNonNull(id, "id is null");
    requireNonNull(platformId, "platformId is null");
    requireNonNull(content, "content is null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, was " + attempt);
    }
  }
}
