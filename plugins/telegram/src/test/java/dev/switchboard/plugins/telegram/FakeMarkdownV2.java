package dev.switchboard.plugins.telegram;

/**
 * The fake Bot API's reading of MarkdownV2: strict about reserved characters, as Telegram is, and
 * able to show a message the way a reader sees it (markers and escapes gone).
 */
final class FakeMarkdownV2 {
  // Reserved characters that never open or close an entity: unescaped, Telegram refuses them.
  private static final String NEVER_MARKUP = "#+-={}.!";
  private static final String MARKERS = "*_~`|";

  private FakeMarkdownV2() {}

  static boolean valid(String text) {
    boolean inCode = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '`') {
        inCode = !inCode;
      } else if (!inCode && NEVER_MARKUP.indexOf(c) >= 0) {
        return false;
      }
    }
    return !inCode;
  }

  static String render(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        out.append(text.charAt(++i));
      } else if (MARKERS.indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
