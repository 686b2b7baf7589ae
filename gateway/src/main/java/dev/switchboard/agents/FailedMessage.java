package dev.switchboard.agents;

/**
 * A message the supervisor gave up on: its agent failed on it {@code tries} times, the last time
 * for {@code reason}. The row is {@code failed} in inbound.db; whoever wrote it is to be told.
 *
 * @param reason what the agent did, as the end of a sentence: "exited while working on it"
 */
public record FailedMessage(
    String sessionId,
    String messageId,
    String kind,
    String channelType,
    String platformId,
    String threadId,
    int tries,
    String reason) {

  /** Whether the message came from a chat (rather than a task, the host or another agent). */
  public boolean fromChat() {
    return ("chat".equals(kind) || "chat-sdk".equals(kind))
        && channelType != null
        && platformId != null
        && !"agent".equals(channelType);
  }

  /** What the chat is told. */
  public String notice() {
    return "Your message could not be processed: the agent " + reason + " (" + tries
        + (tries == 1 ? " try" : " tries") + "). Please try again later.";
  }
}
