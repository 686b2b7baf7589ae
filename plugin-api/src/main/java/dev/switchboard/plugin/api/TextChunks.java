package dev.switchboard.plugin.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text that is longer than a platform allows into parts that each fit, so that nothing is
 * cut: at paragraph breaks where possible, else at line breaks, else at spaces, else anywhere. A
 * Markdown code block ({@code ```}) split across parts is closed at the end of one part and
 * reopened (with its language) at the start of the next, so every part renders on its own.
 */
public final class TextChunks {
  private static final String FENCE = "```";

  private TextChunks() {}

  /**
   * @param limit the most characters a part may have (at least 16, to leave room for fences)
   */
  public static List<String> split(String text, int limit) {
    if (limit < 16) {
      throw new IllegalArgumentException("limit must be at least 16, was " + limit);
    }
    List<String> parts = new ArrayList<>();
    String rest = text;
    String reopen = null;
    while (true) {
      String prefix = reopen == null ? "" : reopen + "\n";
      if (prefix.length() + rest.length() <= limit) {
        parts.add(prefix + rest);
        return parts;
      }
      int room = limit - prefix.length() - (FENCE.length() + 1);
      int cut = cutPoint(rest, room);
      String head = rest.substring(0, cut);
      String opened = openFence(reopen, head);
      String part = prefix + head.stripTrailing();
      if (opened != null) {
        part = part + "\n" + FENCE;
      }
      parts.add(part);
      rest = stripLeadingBreaks(rest.substring(cut));
      reopen = opened;
    }
  }

  /** Where to cut within {@code room} characters: the latest paragraph, line or word break. */
  private static int cutPoint(String text, int room) {
    int max = Math.min(room, text.length());
    for (String separator : new String[] {"\n\n", "\n", " "}) {
      int at = text.lastIndexOf(separator, max - separator.length());
      if (at > max / 3) {
        return at + separator.length();
      }
    }
    int cut = max;
    if (cut > 0 && cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return Math.max(cut, 1);
  }

  /**
   * The fence line still open after {@code head} (e.g. {@code ```java}), given the one open before
   * it, or null when no code block is open.
   */
  private static String openFence(String openBefore, String head) {
    String open = openBefore;
    for (String line : head.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith(FENCE)) {
        open = open == null ? trimmed : null;
      }
    }
    return open;
  }

  private static String stripLeadingBreaks(String text) {
    int i = 0;
    while (i < text.length() && text.charAt(i) == '\n') {
      i++;
    }
    return text.substring(i);
  }
}
