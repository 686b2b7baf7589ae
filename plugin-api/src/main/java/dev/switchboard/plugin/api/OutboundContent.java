package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/** What an outbound message asks the channel to do. A closed set: switch over it exhaustively. */
public sealed interface OutboundContent {

  /** A new message: text (plain or Markdown) and optional files. */
  record Text(String text, boolean markdown, List<File> files) implements OutboundContent {
    public Text {
      requireNonNull(text, "text is null");
      files = List.copyOf(files);
    }

    public Text(String text) {
      this(text, false, List.of());
    }
  }

  /** Replace the text of a message sent earlier. */
  record Edit(String platformMessageId, String text) implements OutboundContent {
    public Edit {
      requireNonNull(platformMessageId, "platformMessageId is null");
      requireNonNull(text, "text is null");
    }
  }

  /** React to a message with an emoji (a Unicode emoji or a platform's custom emoji name). */
  record Reaction(String platformMessageId, String emoji) implements OutboundContent {
    public Reaction {
      requireNonNull(platformMessageId, "platformMessageId is null");
      requireNonNull(emoji, "emoji is null");
    }
  }

  /** A question with fixed answers, rendered as buttons where the platform has them. */
  record Question(String questionId, String title, String question, List<Option> options)
      implements OutboundContent {
    public Question {
      requireNonNull(questionId, "questionId is null");
      requireNonNull(question, "question is null");
      options = List.copyOf(options);
    }
  }

  /** One answer to a {@link Question}: what the user sees and what the agent gets back. */
  record Option(String label, String value) {
    public Option {
      requireNonNull(label, "label is null");
      requireNonNull(value, "value is null");
    }
  }

  /** A file from the session's outbox to send with a message. */
  record File(String name, Path path, long size) {
    public File {
      requireNonNull(name, "name is null");
      requireNonNull(path, "path is null");
    }
  }
}
