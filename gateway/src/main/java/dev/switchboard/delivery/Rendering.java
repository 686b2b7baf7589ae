package dev.switchboard.delivery;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.OutboundContent;
import java.util.Set;

/**
 * Fits outbound content to what a channel can do. A question goes out as numbered text where a
 * channel has no buttons (a reply with a number answers it); an edit, a reaction or files on a
 * channel that cannot do them fail with a reason the agent is told. Pure.
 */
final class Rendering {
  private Rendering() {}

  sealed interface Rendered {}

  /** Content to send; {@code questionAsText} when a question became numbered text. */
  record Send(OutboundContent content, boolean questionAsText) implements Rendered {}

  record Unsupported(String reason) implements Rendered {}

  static Rendered fit(OutboundContent content, Set<Capability> capabilities, String channelType) {
    return switch (content) {
      case OutboundContent.Text text ->
          !text.files().isEmpty() && !capabilities.contains(Capability.FILES)
              ? new Unsupported("channel " + channelType + " cannot send files")
              : new Send(text, false);
      case OutboundContent.Edit edit ->
          capabilities.contains(Capability.EDIT)
              ? new Send(edit, false)
              : new Unsupported("channel " + channelType + " cannot edit messages");
      case OutboundContent.Reaction reaction ->
          capabilities.contains(Capability.REACTION)
              ? new Send(reaction, false)
              : new Unsupported("channel " + channelType + " cannot add reactions");
      case OutboundContent.Question question ->
          capabilities.contains(Capability.QUESTION)
              ? new Send(question, false)
              : new Send(new OutboundContent.Text(numbered(question)), true);
    };
  }

  /** A question as numbered text, e.g. "Colour\nRed or blue?\n1. Red\n2. Blue\nReply with a number." */
  static String numbered(OutboundContent.Question question) {
    StringBuilder text = new StringBuilder();
    if (question.title() != null && !question.title().isBlank()) {
      text.append(question.title()).append('\n');
    }
    text.append(question.question()).append('\n');
    for (int i = 0; i < question.options().size(); i++) {
      text.append(i + 1).append(". ").append(question.options().get(i).label()).append('\n');
    }
    return text.append("Reply with the number of your choice.").toString();
  }
}
