package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.TextChunks;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Markdown agents write into Telegram's MarkdownV2, and splits text to Telegram's length
 * limit. Pure: no I/O.
 *
 * <p>MarkdownV2 rejects a whole message when one reserved character is left unescaped, so every
 * character that is not part of recognised markup is escaped: in plain text each of {@code
 * _*[]()~`>#+-=|{}.!} and the backslash, inside code only {@code `} and the backslash, inside a
 * link's URL only {@code )} and the backslash. Markup that is not closed on its line is shown as
 * written (escaped). Bold, italic, strikethrough, inline code, code blocks, links, headings (shown
 * bold), lists and quotes are recognised; nesting one style inside itself keeps only the outer one,
 * as MarkdownV2 cannot nest an entity in itself.
 */
final class TelegramFormat {
  /** The most characters Telegram takes in one message. */
  static final int MAX_MESSAGE = 4096;

  /** The most characters Telegram takes in the caption of a file. */
  static final int MAX_CAPTION = 1024;

  private static final String RESERVED = "_*[]()~`>#+-=|{}.!\\";
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");
  private static final Pattern NUMBERED = Pattern.compile("^(\\s*)(\\d{1,9})[.)]\\s+(.*)$");
  private static final Pattern RULE = Pattern.compile("^\\s*([-*_])(\\s*\\1){2,}\\s*$");
  private static final Pattern QUOTE = Pattern.compile("^>\\s?(.*)$");

  private enum Style {
    BOLD,
    ITALIC,
    STRIKE
  }

  private TelegramFormat() {}

  /** One message of Markdown: what to send with MarkdownV2, and the source as a plain fallback. */
  record Part(String markdownV2, String plain) {}

  /** Escapes text so that MarkdownV2 shows it exactly as written. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (RESERVED.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Converts Markdown to MarkdownV2. */
  static String toMarkdownV2(String markdown) {
    List<String> out = new ArrayList<>();
    String[] lines = markdown.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      String trimmed = line.strip();
      if (trimmed.startsWith("```")) {
        int end = i + 1;
        while (end < lines.length && !lines[end].strip().startsWith("```")) {
          end++;
        }
        out.add(codeBlock(trimmed.substring(3).strip(), lines, i + 1, end));
        i = end + 1;
        continue;
      }
      out.add(block(line));
      i++;
    }
    return String.join("\n", out);
  }

  /**
   * Splits text into messages Telegram takes, at paragraph and line breaks and without breaking
   * code blocks. Plain text is split as it is; Markdown is split first and each part converted, and
   * a part whose escaped form is too long is split again, smaller.
   */
  static List<Part> parts(String text, boolean markdown) {
    List<Part> parts = new ArrayList<>();
    if (!markdown) {
      for (String part : TextChunks.split(text, MAX_MESSAGE)) {
        parts.add(new Part(null, part));
      }
      return parts;
    }
    addMarkdownParts(text, MAX_MESSAGE, parts);
    return parts;
  }

  private static void addMarkdownParts(String text, int limit, List<Part> parts) {
    for (String source : TextChunks.split(text, limit)) {
      String converted = toMarkdownV2(source);
      if (converted.length() <= MAX_MESSAGE) {
        parts.add(new Part(converted, source));
      } else {
        // Escaping at most doubles a text, so the limit reaches a size that fits.
        long smaller = (long) limit * MAX_MESSAGE / converted.length() - 8;
        addMarkdownParts(source, (int) Math.max(16, Math.min(limit - 1, smaller)), parts);
      }
    }
  }

  private static String codeBlock(String language, String[] lines, int from, int to) {
    StringBuilder code = new StringBuilder();
    for (int i = from; i < Math.min(to, lines.length); i++) {
      code.append(i == from ? "" : "\n").append(escapeCode(lines[i]));
    }
    String lang = language.replaceAll("[^A-Za-z0-9_+-]", "");
    return "```" + lang + "\n" + code + "\n```";
  }

  private static String block(String line) {
    if (RULE.matcher(line).matches()) {
      return "──────────";
    }
    Matcher heading = HEADING.matcher(line);
    if (heading.matches()) {
      String inner = inline(heading.group(1), EnumSet.of(Style.BOLD));
      return inner.isEmpty() ? "" : "*" + inner + "*";
    }
    Matcher quote = QUOTE.matcher(line);
    if (quote.matches()) {
      return ">" + inline(quote.group(1), EnumSet.noneOf(Style.class));
    }
    Matcher bullet = BULLET.matcher(line);
    if (bullet.matches()) {
      return bullet.group(1) + "• " + inline(bullet.group(2), EnumSet.noneOf(Style.class));
    }
    Matcher numbered = NUMBERED.matcher(line);
    if (numbered.matches()) {
      return numbered.group(1)
          + numbered.group(2)
          + "\\. "
          + inline(numbered.group(3), EnumSet.noneOf(Style.class));
    }
    return inline(line, EnumSet.noneOf(Style.class));
  }

  /** Converts the spans of one line; {@code open} are the styles already around it. */
  private static String inline(String text, Set<Style> open) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length() && isAsciiPunctuation(text.charAt(i + 1))) {
        appendEscaped(out, text.charAt(i + 1));
        i += 2;
        continue;
      }
      int consumed = span(text, i, open, out);
      if (consumed > 0) {
        i += consumed;
        continue;
      }
      appendEscaped(out, c);
      i++;
    }
    return out.toString();
  }

  /** Converts the span starting at {@code at} into {@code out}; returns its length, 0 if none. */
  private static int span(String text, int at, Set<Style> open, StringBuilder out) {
    char c = text.charAt(at);
    if (c == '`') {
      int ticks = run(text, at, '`');
      int close = text.indexOf("`".repeat(ticks), at + ticks);
      if (close < 0 || close == at + ticks) {
        return 0;
      }
      out.append('`').append(escapeCode(text.substring(at + ticks, close))).append('`');
      return close + ticks - at;
    }
    if (c == '[') {
      return link(text, at, open, out);
    }
    if (text.startsWith("**", at) || text.startsWith("__", at)) {
      return styled(text, at, text.substring(at, at + 2), Style.BOLD, "*", open, out);
    }
    if (text.startsWith("~~", at)) {
      return styled(text, at, "~~", Style.STRIKE, "~", open, out);
    }
    if (c == '*' || c == '_') {
      return styled(text, at, String.valueOf(c), Style.ITALIC, "_", open, out);
    }
    return 0;
  }

  private static int styled(
      String text, int at, String marker, Style style, String output, Set<Style> open, StringBuilder out) {
    int start = at + marker.length();
    if (start >= text.length() || Character.isWhitespace(text.charAt(start))) {
      return 0;
    }
    boolean underscore = marker.charAt(0) == '_';
    if (underscore && at > 0 && Character.isLetterOrDigit(text.charAt(at - 1))) {
      return 0; // snake_case words are not emphasis
    }
    int close = closing(text, start, marker, underscore);
    if (close < 0) {
      return 0;
    }
    EnumSet<Style> inner = open.isEmpty() ? EnumSet.noneOf(Style.class) : EnumSet.copyOf(open);
    inner.add(style);
    String content = inline(text.substring(start, close), inner);
    if (open.contains(style)) {
      out.append(content);
    } else {
      out.append(output).append(content).append(output);
    }
    return close + marker.length() - at;
  }

  /** Where the marker closing a span opened just before {@code from} is, or -1. */
  private static int closing(String text, int from, String marker, boolean underscore) {
    int search = from + 1;
    while (true) {
      int close = text.indexOf(marker, search);
      if (close < 0) {
        return -1;
      }
      boolean afterSpace = Character.isWhitespace(text.charAt(close - 1));
      int after = close + marker.length();
      boolean intoWord =
          underscore && after < text.length() && Character.isLetterOrDigit(text.charAt(after));
      // A single marker directly followed by another is the start of a double one: skip both.
      boolean doubled =
          marker.length() == 1 && after < text.length() && text.charAt(after) == marker.charAt(0);
      if (!afterSpace && !intoWord && !doubled) {
        return close;
      }
      search = doubled ? after + 1 : close + 1;
    }
  }

  private static int link(String text, int at, Set<Style> open, StringBuilder out) {
    int labelEnd = matching(text, at, '[', ']');
    if (labelEnd < 0 || labelEnd + 1 >= text.length() || text.charAt(labelEnd + 1) != '(') {
      return 0;
    }
    int urlEnd = matching(text, labelEnd + 1, '(', ')');
    if (urlEnd < 0 || labelEnd == at + 1) {
      return 0;
    }
    String url = text.substring(labelEnd + 2, urlEnd).strip();
    if (url.isEmpty() || url.chars().anyMatch(Character::isWhitespace)) {
      return 0;
    }
    out.append('[')
        .append(inline(text.substring(at + 1, labelEnd), open))
        .append("](")
        .append(url.replace("\\", "\\\\").replace(")", "\\)"))
        .append(')');
    return urlEnd + 1 - at;
  }

  private static int matching(String text, int at, char openChar, char closeChar) {
    int depth = 0;
    for (int i = at; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == openChar) {
        depth++;
      } else if (c == closeChar && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int run(String text, int at, char c) {
    int end = at;
    while (end < text.length() && text.charAt(end) == c) {
      end++;
    }
    return end - at;
  }

  private static String escapeCode(String code) {
    return code.replace("\\", "\\\\").replace("`", "\\`");
  }

  private static void appendEscaped(StringBuilder out, char c) {
    if (RESERVED.indexOf(c) >= 0) {
      out.append('\\');
    }
    out.append(c);
  }

  private static boolean isAsciiPunctuation(char c) {
    return c < 128 && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".indexOf(c) >= 0;
  }
}
