package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Someone chose an answer to a question a channel delivered ({@link OutboundContent.Question}),
 * usually by pressing one of its buttons. A channel hands it to {@link
 * ChannelContext#submitAnswer}.
 *
 * @param platformId the chat the question was asked in
 * @param threadId the thread inside the chat, or null
 * @param questionId the {@link OutboundContent.Question#questionId()} of the question answered
 * @param value the {@link OutboundContent.Option#value()} of the option chosen
 * @param sender who answered
 * @param answerId the platform's id for this answer (a button press, a callback query), so that a
 *     redelivered press is not counted twice; null when the platform has none
 * @param timestamp when the platform says it was answered
 */
public record QuestionAnswer(
    String platformId,
    String threadId,
    String questionId,
    String value,
    InboundEvent.Sender sender,
    String answerId,
    Instant timestamp) {

  public QuestionAnswer {
    requireNonNull(platformId, "platformId is null");
    requireNonNull(questionId, "questionId is null");
    requireNonNull(value, "value is null");
    requireNonNull(sender, "sender is null");
    requireNonNull(timestamp, "timestamp is null");
    if (platformId.isBlank()) {
      throw new IllegalArgumentException("platformId is blank");
    }
  }
}
