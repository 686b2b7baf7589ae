package dev.switchboard.plugins.slack;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import java.util.List;
import java.util.Optional;

/**
 * Questions as Block Kit: a section with the question and rows of buttons, one per option. Each
 * row's {@code block_id} carries the question id ({@code sbq|<row>|<question id>}) and each
 * button's {@code value} the option's value, so a press names both without any state kept here.
 */
final class SlackQuestions {
  private static final String PREFIX = "sbq|";
  /** Slack's limits: 25 elements per actions block, 75 characters of button text, ids of 255. */
  private static final int BUTTONS_PER_ROW = 25;
  private static final int MAX_LABEL = 75;
  private static final int MAX_BLOCK_ID = 255;
  private static final int MAX_VALUE = 2000;
  private static final int MAX_SECTION_TEXT = 3000;

  private SlackQuestions() {}

  /** The fallback text Slack shows in notifications and where blocks cannot be shown. */
  static String text(Question question) {
    return question.title() == null || question.title().isBlank()
        ? question.question()
        : question.title() + ": " + question.question();
  }

  /** The question's blocks as JSON; throws IllegalArgumentException when Slack could not take it. */
  static String blocks(Question question) {
    String id = question.questionId();
    if (PREFIX.length() + 4 + id.length() > MAX_BLOCK_ID) {
      throw new IllegalArgumentException("the question id is longer than Slack's block ids allow");
    }
    JsonArray blocks = new JsonArray();
    blocks.add(section(questionText(question)));
    List<Option> options = question.options();
    for (int row = 0; row * BUTTONS_PER_ROW < options.size(); row++) {
      JsonArray buttons = new JsonArray();
      List<Option> slice =
          options.subList(row * BUTTONS_PER_ROW, Math.min(options.size(), (row + 1) * BUTTONS_PER_ROW));
      for (int i = 0; i < slice.size(); i++) {
        Option option = slice.get(i);
        if (option.value().length() > MAX_VALUE) {
          throw new IllegalArgumentException("an option's value is longer than Slack allows");
        }
        JsonObject button = new JsonObject();
        button.addProperty("type", "button");
        button.addProperty("action_id", "option-" + (row * BUTTONS_PER_ROW + i));
        button.add("text", plain(shorten(option.label(), MAX_LABEL)));
        button.addProperty("value", option.value());
        buttons.add(button);
      }
      JsonObject actions = new JsonObject();
      actions.addProperty("type", "actions");
      actions.addProperty("block_id", PREFIX + row + "|" + id);
      actions.add("elements", buttons);
      blocks.add(actions);
    }
    return blocks.toString();
  }

  /** The blocks that replace the buttons once someone chose: the question and the choice. */
  static String answered(String questionText, String label, String userId) {
    JsonArray blocks = new JsonArray();
    if (questionText != null && !questionText.isBlank()) {
      // Slack hands the text back escaped; undone first so that it is escaped exactly once.
      blocks.add(
          section(SlackFormat.escape(shorten(SlackFormat.unescape(questionText), MAX_SECTION_TEXT))));
    }
    JsonObject context = new JsonObject();
    context.addProperty("type", "context");
    JsonArray elements = new JsonArray();
    JsonObject chosen = new JsonObject();
    chosen.addProperty("type", "mrkdwn");
    chosen.addProperty(
        "text", "Answered *" + SlackFormat.escape(label) + "*" + (userId == null ? "" : " by <@" + userId + ">"));
    elements.add(chosen);
    context.add("elements", elements);
    blocks.add(context);
    return blocks.toString();
  }

  /** The question id in a block id this class wrote, or empty for any other block. */
  static Optional<String> questionId(String blockId) {
    if (blockId == null || !blockId.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = blockId.split("\\|", 3);
    return parts.length == 3 && !parts[2].isEmpty() ? Optional.of(parts[2]) : Optional.empty();
  }

  private static String questionText(Question question) {
    String body = SlackFormat.mrkdwn(question.question());
    String text =
        question.title() == null || question.title().isBlank()
            ? body
            : "*" + SlackFormat.escape(question.title()) + "*\n" + body;
    return shorten(text, MAX_SECTION_TEXT);
  }

  private static JsonObject section(String mrkdwn) {
    JsonObject text = new JsonObject();
    text.addProperty("type", "mrkdwn");
    text.addProperty("text", mrkdwn);
    JsonObject section = new JsonObject();
    section.addProperty("type", "section");
    section.add("text", text);
    return section;
  }

  private static JsonObject plain(String text) {
    JsonObject object = new JsonObject();
    object.addProperty("type", "plain_text");
    object.addProperty("text", text);
    object.addProperty("emoji", true);
    return object;
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
