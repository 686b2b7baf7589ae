package dev.switchboard.plugins.discord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text conversions between Switchboard and Discord, free of I/O. Discord renders its own Markdown
 * dialect in every message, so text goes out as written; Markdown from an agent is adapted where
 * Discord lacks a construct (tables, images, headings past level 3). Long text is split at
 * Discord's limit without breaking code blocks or Markdown spans ({@link MarkdownChunks}).
 */
final class DiscordFormat {
  /** The most characters one Discord message may hold. */
  static final int MAX_MESSAGE_LENGTH = 2000;

  /** The most characters a button label may hold. */
  static final int MAX_BUTTON_LABEL = 80;

  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
  private static final Pattern DEEP_HEADING = Pattern.compile("^#{4,6}\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern TABLE_RULE = Pattern.compile("^\\s*\\|?\\s*:?-{3,}:?\\s*(\\|\\s*:?-{3,}:?\\s*)*\\|?\\s*$");

  private DiscordFormat() {}

  /** The messages that carry {@code text}: adapted when it is Markdown, then split to fit. */
  static List<String> messages(String text, boolean markdown) {
    return messages(text, markdown, MAX_MESSAGE_LENGTH);
  }

  private static List<String> messages(String text, boolean markdown, int limit) {
    String body = markdown ? fromMarkdown(text) : text;
    if (body.isBlank()) {
      return List.of();
    }
    // Discord renders its Markdown in every message, so plain text is split the same way.
    return MarkdownChunks.split(body.strip(), limit);
  }

  /** The text an edit puts in place, and whether it had to be cut to fit. */
  record Edited(String text, boolean cut) {}

  /**
   * The text an edit puts in place, or empty for blank text. An edit replaces one message and
   * cannot become several: longer text keeps its first part (cut at a break, its Markdown closed)
   * followed by an ellipsis.
   */
  static Optional<Edited> edited(String text) {
    List<String> parts = messages(text, false, MAX_MESSAGE_LENGTH - 1);
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        parts.size() == 1 ? new Edited(parts.getFirst(), false) : new Edited(parts.getFirst() + "…", true));
  }

  /**
   * Adapts common Markdown to Discord's dialect, leaving code blocks alone: a table becomes a code
   * block (Discord draws no tables, monospace keeps the columns), an image becomes a link, and a
   * heading of level 4 to 6 becomes a bold line (Discord has levels 1 to 3).
   */
  static String fromMarkdown(String text) {
    String[] lines = text.split("\n", -1);
    List<String> out = new ArrayList<>();
    boolean inCode = false;
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        out.add(line);
        i++;
        continue;
      }
      if (!inCode && isTableStart(lines, i)) {
        out.add("```");
        while (i < lines.length && lines[i].strip().startsWith("|")) {
          out.add(lines[i]);
          i++;
        }
        out.add("```");
        continue;
      }
      out.add(inCode ? line : adaptLine(line));
      i++;
    }
    return String.join("\n", out);
  }

  private static boolean isTableStart(String[] lines, int i) {
    return lines[i].strip().startsWith("|")
        && i + 1 < lines.length
        && TABLE_RULE.matcher(lines[i + 1]).matches();
  }

  private static String adaptLine(String line) {
    Matcher heading = DEEP_HEADING.matcher(line);
    String adapted = heading.matches() ? "**" + heading.group(1) + "**" : line;
    return IMAGE.matcher(adapted).replaceAll(m -> Matcher.quoteReplacement(imageLink(m)));
  }

  private static String imageLink(java.util.regex.MatchResult image) {
    String alt = image.group(1).isBlank() ? "image" : image.group(1);
    return "[" + alt + "](" + image.group(2) + ")";
  }

  /**
   * The text of an inbound message with the bot's own mention ({@code <@id>} or {@code <@!id>})
   * written as {@code @name}, so that agents read a name instead of a number.
   */
  static String withBotMention(String raw, String botId, String botName) {
    String name = "@" + botName;
    return raw.replace("<@!" + botId + ">", name).replace("<@" + botId + ">", name);
  }

  /** The text of a question message: its title in bold above the question. */
  static String question(String title, String question) {
    String text = title == null || title.isBlank() ? question : "**" + title.strip() + "**\n" + question;
    return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
  }

  /** The question message once answered: the question, then who chose what. */
  static String answered(String questionText, String label, String who) {
    String suffix = "\n\n> **" + label + "** (chosen by " + who + ")";
    String head = questionText == null ? "" : questionText;
    if (head.length() + suffix.length() > MAX_MESSAGE_LENGTH) {
      head = head.substring(0, Math.max(0, MAX_MESSAGE_LENGTH - suffix.length() - 1)) + "…";
    }
    return head + suffix;
  }

  /** A button label: Discord refuses empty labels and labels over 80 characters. */
  static String buttonLabel(String label) {
    String trimmed = label.strip();
    if (trimmed.isEmpty()) {
      return "·";
    }
    return trimmed.length() <= MAX_BUTTON_LABEL
        ? trimmed
        : trimmed.substring(0, MAX_BUTTON_LABEL - 1) + "…";
  }
}
