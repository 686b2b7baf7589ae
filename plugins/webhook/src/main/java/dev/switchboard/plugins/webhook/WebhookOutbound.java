package dev.switchboard.plugins.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Renders an {@link OutboundMessage} as the JSON entry that the feed stores, {@code GET} returns
 * and the callback receives. Pure. The entry is one line: JSON escapes every line break inside
 * strings, which the feed's line format relies on.
 */
final class WebhookOutbound {
  // Never reconfigured after this line, so sharing it between threads is safe.
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private WebhookOutbound() {}

  static String entry(OutboundMessage message, Instant deliveredAt) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("id", message.id());
    entry.put("seq", message.seq());
    entry.put("chat", message.platformId());
    entry.put("thread", message.threadId());
    content(entry, message.content());
    if (message.replyToMessageId() != null) {
      entry.put("replyTo", message.replyToMessageId());
    }
    entry.put("deliveredAt", deliveredAt.toString());
    try {
      return JSON.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a reply entry could not be written as JSON", e);
    }
  }

  private static void content(ObjectNode entry, OutboundContent content) {
    switch (content) {
      case Text text -> {
        entry.put("kind", "text");
        entry.put("text", text.text());
        entry.put("markdown", text.markdown());
        if (!text.files().isEmpty()) {
          ArrayNode files = entry.putArray("files");
          text.files()
              .forEach(file -> files.addObject().put("name", file.name()).put("size", file.size()));
        }
      }
      case Edit edit -> {
        entry.put("kind", "edit");
        entry.put("target", edit.platformMessageId());
        entry.put("text", edit.text());
      }
      case Reaction reaction -> {
        entry.put("kind", "reaction");
        entry.put("target", reaction.platformMessageId());
        entry.put("emoji", reaction.emoji());
      }
      case Question question -> {
        entry.put("kind", "question");
        ObjectNode body = entry.putObject("question");
        body.put("questionId", question.questionId());
        body.put("title", question.title());
        body.put("question", question.question());
        ArrayNode options = body.putArray("options");
        question
            .options()
            .forEach(o -> options.addObject().put("label", o.label()).put("value", o.value()));
      }
    }
  }
}
