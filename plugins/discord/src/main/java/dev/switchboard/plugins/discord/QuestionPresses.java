package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugins.discord.QuestionButtons.Choice;
import java.time.Instant;
import java.util.Optional;

/**
 * What to do with a pressed button, wherever the press came from (the gateway or the HTTP
 * interactions endpoint): the answer is stored first, and only then is Discord answered, with the
 * question message updated to show the choice.
 */
final class QuestionPresses {

  /**
   * A button press.
   *
   * @param channelId the Discord channel of the question message (a thread's own id in a thread)
   * @param parentId the thread's parent channel, or null outside threads
   * @param customId the pressed button's custom id
   * @param label the pressed button's label
   * @param messageText the question message's text before the press
   */
  record Press(
      String channelId,
      String parentId,
      String customId,
      String label,
      String messageText,
      Sender user,
      String interactionId,
      Instant timestamp) {}

  /** How to answer Discord. */
  sealed interface Reply {
    /** Update the question message to this text, without its buttons. */
    record Update(String text) implements Reply {}

    /** Leave the message, tell only the presser this. */
    record Refuse(String text) implements Reply {}
  }

  private final ChannelContext context;
  private final QuestionButtons buttons;

  QuestionPresses(ChannelContext context, QuestionButtons buttons) {
    this.context = requireNonNull(context, "context is null");
    this.buttons = requireNonNull(buttons, "buttons is null");
  }

  /**
   * Stores the answer and says how to answer Discord; empty for a button that is not a question's.
   *
   * @throws dev.switchboard.plugin.api.StoreUnavailableException when the answer could not be
   *     stored: do not answer Discord then, so that the user sees the press fail and can retry
   */
  Optional<Reply> press(Press press) {
    Optional<Choice> choice = buttons.choice(press.customId());
    if (choice.isEmpty()) {
      return Optional.empty();
    }
    boolean thread = press.parentId() != null;
    QuestionAnswer answer =
        new QuestionAnswer(
            thread ? press.parentId() : press.channelId(),
            thread ? press.channelId() : null,
            choice.get().questionId(),
            choice.get().value(),
            press.user(),
            press.interactionId(),
            press.timestamp());
    InboundOutcome outcome;
    try {
      outcome = context.submitAnswer(answer);
    } catch (UnsupportedOperationException e) {
      return Optional.of(new Reply.Refuse("This gateway does not take answers to questions."));
    }
    String who = press.user().name() == null ? press.user().id() : press.user().name();
    return Optional.of(
        switch (outcome) {
          case InboundOutcome.Stored stored ->
              new Reply.Update(DiscordFormat.answered(press.messageText(), press.label(), who));
          case InboundOutcome.Duplicate duplicate ->
              new Reply.Update(DiscordFormat.answered(press.messageText(), press.label(), who));
          case InboundOutcome.Dropped dropped ->
              new Reply.Refuse("This question can no longer be answered (" + dropped.reason() + ").");
        });
  }
}
