package dev.switchboard.plugin.testkit;

/** Text for the split check: paragraphs of short lines of words, long enough to need splitting. */
final class LongText {
  private LongText() {}

  /** At least {@code length} characters: numbered words in lines of 8 and paragraphs of 4 lines. */
  static String of(int length) {
    StringBuilder text = new StringBuilder();
    int word = 0;
    while (text.length() < length) {
      word++;
      text.append("word").append(word);
      if (word % 32 == 0) {
        text.append("\n\n");
      } else if (word % 8 == 0) {
        text.append('\n');
      } else {
        text.append(' ');
      }
    }
    return text.toString().strip();
  }

  /** The text with every whitespace character removed: what survives any split intact. */
  static String withoutSpace(String text) {
    return text.replaceAll("\\s+", "");
  }
}
