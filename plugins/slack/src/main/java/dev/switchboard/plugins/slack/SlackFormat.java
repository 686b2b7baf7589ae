package dev.switchboard.plugins.slack;

import dev.switchboard.plugin.api.TextChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text conversions between Markdown, which agents write, and Slack's mrkdwn. Pure functions.
 *
 * <p>Slack has no tables and no headings: a table becomes a code block with aligned columns, a
 * heading a bold line. {@code &}, {@code <} and {@code >} are Slack's control characters and are
 * escaped everywhere, code included; a quote's leading {@code >} is kept.
 */
final class SlackFormat {
  /**
   * The most characters one message gets. Slack asks for at most 4,000 in a message's text and
   * truncates past 40,000; this leaves room below the first.
   */
  static final int SAFE_LENGTH = 3_500;

  private static final String FENCE = "```";
  private static final char BOLD = '\u0001';
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");
  private static final Pattern QUOTE = Pattern.compile("^>\\s?(.*)$");
  private static final Pattern RULE = Pattern.compile("^\\s*([-*_])(\\s*\\1){2,}\\s*$");
  private static final Pattern TABLE_SEPARATOR =
      Pattern.compile("^\\s*\\|?\\s*:?-{3,}:?\\s*(\\|\\s*:?-{3,}:?\\s*)*\\|?\\s*$");
  private static final Pattern LINK =
      Pattern.compile("!?\\[([^\\]]+)\\]\\(((?:https?://|mailto:)[^)\\s]+)\\)");
  private static final Pattern STRONG_EMPHASIS = Pattern.compile("\\*\\*\\*(.+?)\\*\\*\\*");
  private static final Pattern STRONG = Pattern.compile("\\*\\*(.+?)\\*\\*|__(.+?)__");
  private static final Pattern EMPHASIS =
      Pattern.compile("(?<![\\w*])\\*(?![\\s*])(.+?)(?<![\\s*])\\*(?![\\w*])");
  private static final Pattern STRIKE = Pattern.compile("~~(.+?)~~");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]+`");

  private static final Map<String, String> EMOJI_NAMES =
      Map.ofEntries(
          Map.entry("👍", "+1"),
          Map.entry("👎", "-1"),
          Map.entry("❤", "heart"),
          Map.entry("😂", "joy"),
          Map.entry("😄", "smile"),
          Map.entry("😀", "grinning"),
          Map.entry("🙂", "slightly_smiling_face"),
          Map.entry("😊", "blush"),
          Map.entry("😉", "wink"),
          Map.entry("😢", "cry"),
          Map.entry("😮", "open_mouth"),
          Map.entry("🤔", "thinking_face"),
          Map.entry("🎉", "tada"),
          Map.entry("✅", "white_check_mark"),
          Map.entry("✔", "heavy_check_mark"),
          Map.entry("❌", "x"),
          Map.entry("👀", "eyes"),
          Map.entry("🔥", "fire"),
          Map.entry("🙏", "pray"),
          Map.entry("👏", "clap"),
          Map.entry("🙌", "raised_hands"),
          Map.entry("👋", "wave"),
          Map.entry("👌", "ok_hand"),
          Map.entry("💪", "muscle"),
          Map.entry("🚀", "rocket"),
          Map.entry("💯", "100"),
          Map.entry("⚠", "warning"),
          Map.entry("⭐", "star"),
          Map.entry("✨", "sparkles"),
          Map.entry("💡", "bulb"),
          Map.entry("📌", "pushpin"),
          Map.entry("⏳", "hourglass_flowing_sand"),
          Map.entry("🤖", "robot_face"),
          Map.entry("❓", "question"),
          Map.entry("❗", "exclamation"));

  private SlackFormat() {}

  /** Markdown as Slack mrkdwn. */
  static String mrkdwn(String markdown) {
    String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
    List<String> out = new ArrayList<>();
    boolean inCode = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.strip().startsWith(FENCE)) {
        // Slack shows a fence's language as the block's first line, so it is left out.
        out.add(inCode ? FENCE : FENCE + escape(line.strip().substring(3).replaceFirst("^\\w+", "")));
        inCode = !inCode;
        continue;
      }
      if (inCode) {
        out.add(escape(line));
        continue;
      }
      int tableEnd = tableEnd(lines, i);
      if (tableEnd > i) {
        out.add(table(List.of(lines).subList(i, tableEnd)));
        i = tableEnd - 1;
        continue;
      }
      out.add(line(line));
    }
    return String.join("\n", out);
  }

  /** Plain text as mrkdwn that shows it as written: only the control characters are escaped. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Slack's own escaping undone, for text that arrives from Slack. */
  static String unescape(String text) {
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  /** Text in parts of at most {@link #SAFE_LENGTH} characters; code blocks stay whole per part. */
  static List<String> split(String mrkdwn) {
    return TextChunks.split(mrkdwn, SAFE_LENGTH);
  }

  /**
   * The name reactions.add takes for an emoji: {@code :tada:} and {@code tada} as they are, common
   * Unicode emoji by Slack's name for them, else empty (Slack knows no name for it).
   */
  static Optional<String> emojiName(String emoji) {
    String trimmed = emoji.strip();
    if (trimmed.length() > 2 && trimmed.startsWith(":") && trimmed.endsWith(":")) {
      return Optional.of(trimmed.substring(1, trimmed.length() - 1));
    }
    if (trimmed.matches("[a-z0-9_+\\-']+")) {
      return Optional.of(trimmed);
    }
    // U+FE0F only asks for the colourful form of the character before it.
    return Optional.ofNullable(EMOJI_NAMES.get(trimmed.replace("\uFE0F", "")));
  }

  private static String line(String line) {
    Matcher heading = HEADING.matcher(line);
    if (heading.matches()) {
      String text = heading.group(1).replace("**", "").replace("__", "");
      return text.isEmpty() ? "" : "*" + inline(text) + "*";
    }
    if (RULE.matcher(line).matches()) {
      return "──────────";
    }
    Matcher bullet = BULLET.matcher(line);
    if (bullet.matches()) {
      return bullet.group(1) + "• " + inline(bullet.group(2));
    }
    Matcher quote = QUOTE.matcher(line);
    if (quote.matches()) {
      return "> " + inline(quote.group(1));
    }
    return inline(line);
  }

  /** Inline Markdown (links, bold, italics, strike-through) as mrkdwn; code spans left alone. */
  private static String inline(String text) {
    StringBuilder out = new StringBuilder();
    Matcher code = INLINE_CODE.matcher(text);
    int last = 0;
    while (code.find()) {
      out.append(prose(text.substring(last, code.start())));
      out.append(escape(code.group()));
      last = code.end();
    }
    return out.append(prose(text.substring(last))).toString();
  }

  private static String prose(String text) {
    if (text.isEmpty()) {
      return text;
    }
    String s = escape(text);
    s = LINK.matcher(s).replaceAll(m -> Matcher.quoteReplacement("<" + m.group(2) + "|" + m.group(1) + ">"));
    // Bold is parked on a marker first, so that the italic pattern cannot take its asterisks.
    s =
        STRONG_EMPHASIS
            .matcher(s)
            .replaceAll(m -> Matcher.quoteReplacement(BOLD + "_" + m.group(1) + "_" + BOLD));
    s =
        STRONG
            .matcher(s)
            .replaceAll(
                m ->
                    Matcher.quoteReplacement(
                        BOLD + (m.group(1) != null ? m.group(1) : m.group(2)) + BOLD));
    s = EMPHASIS.matcher(s).replaceAll(m -> Matcher.quoteReplacement("_" + m.group(1) + "_"));
    s = STRIKE.matcher(s).replaceAll(m -> Matcher.quoteReplacement("~" + m.group(1) + "~"));
    return s.replace(BOLD, '*');
  }

  /** Where a Markdown table starting at {@code start} ends (exclusive), or {@code start}. */
  private static int tableEnd(String[] lines, int start) {
    if (start + 1 >= lines.length
        || !lines[start].strip().startsWith("|")
        || !TABLE_SEPARATOR.matcher(lines[start + 1]).matches()) {
      return start;
    }
    int end = start + 2;
    while (end < lines.length && lines[end].strip().startsWith("|")) {
      end++;
    }
    return end;
  }

  /** A Markdown table as a code block with padded columns; the separator row becomes dashes. */
  private static String table(List<String> rows) {
    List<List<String>> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      if (r != 1) {
        cells.add(cells(rows.get(r)));
      }
    }
    int columns = cells.stream().mapToInt(List::size).max().orElse(0);
    int[] widths = new int[columns];
    for (List<String> row : cells) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], length(row.get(c)));
      }
    }
    List<String> out = new ArrayList<>();
    out.add(FENCE);
    for (int r = 0; r < cells.size(); r++) {
      out.add(row(cells.get(r), widths));
      if (r == 0) {
        List<String> dashes = new ArrayList<>();
        for (int width : widths) {
          dashes.add("-".repeat(width));
        }
        out.add(row(dashes, widths));
      }
    }
    out.add(FENCE);
    return String.join("\n", out);
  }

  private static String row(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = c < cells.size() ? cells.get(c) : "";
      if (c > 0) {
        line.append(" | ");
      }
      line.append(escape(cell)).append(" ".repeat(widths[c] - length(cell)));
    }
    return line.toString().stripTrailing();
  }

  private static List<String> cells(String row) {
    String trimmed = row.strip();
    if (trimmed.startsWith("|")) {
      trimmed = trimmed.substring(1);
    }
    if (trimmed.endsWith("|") && !trimmed.endsWith("\\|")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    List<String> cells = new ArrayList<>();
    for (String cell : trimmed.split("(?<!\\\\)\\|", -1)) {
      cells.add(cell.strip().replace("\\|", "|").replace("**", "").replace("`", ""));
    }
    return cells;
  }

  private static int length(String text) {
    return text.codePointCount(0, text.length());
  }
}
