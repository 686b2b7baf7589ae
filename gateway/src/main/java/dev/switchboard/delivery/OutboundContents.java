package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.OutboundContent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the {@code content} JSON of a {@code chat} outbound row into an {@link OutboundContent}.
 * Pure apart from looking at the outbox for files; a row it cannot read fails permanently with the
 * reason, and the agent is told.
 */
final class OutboundContents {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The outcome: content, or why the row cannot be sent. */
  sealed interface Parsed {}

  record Valid(OutboundContent content) implements Parsed {}

  record Invalid(String reason) implements Parsed {}

  private OutboundContents() {}

  /**
   * @param resolveMessage maps the {@code messageId} an agent names (a seq or an outbound id) to the
   *     platform message id it was delivered as
   * @param outbox the row's folder {@code outbox/<messages_out id>/}
   */
  static Parsed parse(String json, Function<String, Optional<String>> resolveMessage, Path outbox) {
    JsonNode content;
    try {
      content = JSON.readTree(json);
    } catch (IOException e) {
      return new Invalid("content is not JSON");
    }
    if (content == null || !content.isObject()) {
      return new Invalid("content is not a JSON object");
    }
    String operation = content.path("operation").asText("");
    if (operation.equals("edit") || operation.equals("reaction")) {
      String ref = content.path("messageId").asText("");
      if (ref.isEmpty()) {
        return new Invalid(operation + " needs a messageId");
      }
      Optional<String> target = resolveMessage.apply(ref);
      if (target.isEmpty()) {
        return new Invalid(operation + " names message " + ref + ", which was never delivered");
      }
      if (operation.equals("edit")) {
        return content.hasNonNull("text")
            ? new Valid(new OutboundContent.Edit(target.get(), content.get("text").asText()))
            : new Invalid("edit needs a text");
      }
      return content.hasNonNull("emoji")
          ? new Valid(new OutboundContent.Reaction(target.get(), content.get("emoji").asText()))
          : new Invalid("reaction needs an emoji");
    }
    if (!operation.isEmpty()) {
      return new Invalid("unknown operation '" + operation + "'");
    }
    if ("ask_question".equals(content.path("type").asText())) {
      return question(content);
    }
    boolean markdown = content.hasNonNull("markdown");
    JsonNode text = markdown ? content.get("markdown") : content.get("text");
    List<OutboundContent.File> files = new ArrayList<>();
    JsonNode fileNames = content.get("files");
    if (fileNames != null && !fileNames.isNull()) {
      if (!fileNames.isArray()) {
        return new Invalid("files must be a list of names in the outbox");
      }
      for (JsonNode name : fileNames) {
        Optional<OutboundContent.File> file = file(outbox, name.asText());
        if (file.isEmpty()) {
          return new Invalid("file '" + name.asText() + "' is not in " + outbox);
        }
        files.add(file.get());
      }
    }
    if ((text == null || text.isNull()) && files.isEmpty()) {
      return new Invalid("content has neither text, markdown nor files");
    }
    return new Valid(
        new OutboundContent.Text(text == null || text.isNull() ? "" : text.asText(), markdown, files));
  }

  private static Parsed question(JsonNode content) {
    String questionId = content.path("questionId").asText("");
    String question = content.path("question").asText("");
    if (questionId.isEmpty() || question.isEmpty()) {
      return new Invalid("ask_question needs a questionId and a question");
    }
    JsonNode options = content.get("options");
    if (options == null || !options.isArray() || options.isEmpty()) {
      return new Invalid("ask_question needs a non-empty list of options");
    }
    List<OutboundContent.Option> parsed = new ArrayList<>();
    for (JsonNode option : options) {
      if (option.isTextual()) {
        parsed.add(new OutboundContent.Option(option.asText(), option.asText()));
      } else if (option.isObject() && option.hasNonNull("label")) {
        String label = option.get("label").asText();
        parsed.add(new OutboundContent.Option(label, option.path("value").asText(label)));
      } else {
        return new Invalid("each option is a string or {\"label\", \"value\"}");
      }
    }
    String title = content.hasNonNull("title") ? content.get("title").asText() : null;
    return new Valid(new OutboundContent.Question(questionId, title, question, parsed));
  }

  private static Optional<OutboundContent.File> file(Path outbox, String name) {
    if (name.isBlank()
        || name.contains("/")
        || name.contains("\\")
        || name.startsWith("..")
        || name.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    // The agent makes the outbox and its files, and a symbolic link it makes (in a container, too)
    // is followed on the host: a link would let it send any file the host can read. So neither the
    // file nor the two folders the agent made may be a link.
    Path path = outbox.resolve(name);
    Path outboxRoot = outbox.getParent();
    if (Files.isSymbolicLink(outbox) || (outboxRoot != null && Files.isSymbolicLink(outboxRoot))) {
      return Optional.empty();
    }
    try {
      return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
          ? Optional.of(new OutboundContent.File(name, path, Files.size(path)))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
