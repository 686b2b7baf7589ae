package dev.switchboard.plugin.testkit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Something the fake platform received from the bot, in platform-neutral terms: the driver
 * translates the platform's own API calls (sendMessage, editMessageText, …) into these.
 *
 * @param kind what the call did
 * @param chat the chat it went to
 * @param thread the thread inside the chat, or null
 * @param platformMessageId the platform's id of the message it made (null for edits and reactions)
 * @param text the text of a message or question, or the new text of an edit
 * @param target for an edit or a reaction: the platform id of the message acted on
 * @param emoji for a reaction: the emoji
 * @param options for a question: the labels of its buttons, in order
 * @param files the files sent with a message
 */
public record ReceivedMessage(
    Kind kind,
    String chat,
    String thread,
    String platformMessageId,
    String text,
    String target,
    String emoji,
    List<String> options,
    List<ReceivedFile> files) {

  public enum Kind {
    TEXT,
    EDIT,
    REACTION,
    QUESTION
  }

  public ReceivedMessage {
    requireNonNull(kind, "kind is null");
    requireNonNull(chat, "chat is null");
    options = List.copyOf(options);
    files = List.copyOf(files);
  }

  public static ReceivedMessage text(String chat, String thread, String id, String text) {
    return new ReceivedMessage(Kind.TEXT, chat, thread, id, text, null, null, List.of(), List.of());
  }

  public static ReceivedMessage text(
      String chat, String thread, String id, String text, List<ReceivedFile> files) {
    return new ReceivedMessage(Kind.TEXT, chat, thread, id, text, null, null, List.of(), files);
  }

  public static ReceivedMessage edit(String chat, String target, String text) {
    return new ReceivedMessage(
        Kind.EDIT, chat, null, null, text, target, null, List.of(), List.of());
  }

  public static ReceivedMessage reaction(String chat, String target, String emoji) {
    return new ReceivedMessage(
        Kind.REACTION, chat, null, null, null, target, emoji, List.of(), List.of());
  }

  public static ReceivedMessage question(
      String chat, String thread, String id, String text, List<String> options) {
    return new ReceivedMessage(
        Kind.QUESTION, chat, thread, id, text, null, null, options, List.of());
  }

  /** A file the platform received, with its content. */
  public record ReceivedFile(String name, byte[] content) {
    public ReceivedFile {
      requireNonNull(name, "name is null");
      content = requireNonNull(content, "content is null").clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }
}
