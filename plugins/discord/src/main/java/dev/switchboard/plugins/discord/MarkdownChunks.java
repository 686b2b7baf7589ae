package dev.switchboard.plugins.discord;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text longer than a Discord message into parts that each render on their own: at paragraph
 * breaks where possible, else at line breaks, else at spaces, else anywhere. Nothing Discord's
 * Markdown opens in one part stays open into the next: a code block ({@code ```}) is closed at the
 * end of a part and reopened with its language at the start of the next, and so is every span that
 * runs across the cut — bold, italic, underline, strikethrough, spoiler and inline code.
 *
 * <p>Only spans that are really closed later count: a lone {@code *} or an {@code _} inside a word
 * ({@code snake_case}) stays a literal character, as Discord shows it. Markers are matched the way
 * Discord reads them: an opening marker is followed by a non-space, a closing one follows a
 * non-space, a backslash escapes the next character, and nothing inside code is Markdown.
 */
final class MarkdownChunks {
  private static final String FENCE = "```";
  // Longest first, so that ** is read before *.
  private static final String[] MARKERS = {"||", "~~", "__", "**", "*", "_"};
  // Room kept free in each part for the markers that close it.
  private static final int RESERVE = 32;

  /** A span from its opening marker to its closing one, in the text's indexes. */
  private record Span(String marker, int openStart, int openEnd, int closeStart, int closeEnd) {
    boolean runsAcross(int cut) {
      return openEnd <= cut && closeStart >= cut;
    }
  }

  /** A code block: its opening line, where its body starts and where its closing line starts. */
  private record Block(String fenceLine, int lineStart, int bodyStart, int closeStart) {
    boolean holds(int cut) {
      return cut > lineStart && cut < closeStart;
    }
  }

  private final String text;
  private final List<Span> spans = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();

  private MarkdownChunks(String text) {
    this.text = text;
    scan();
  }

  /**
   * @param limit the most characters a part may have (at least 64, to leave room for markers)
   */
  static List<String> split(String text, int limit) {
    if (limit < 2 * RESERVE) {
      throw new IllegalArgumentException("limit must be at least " + 2 * RESERVE + ", was " + limit);
    }
    return new MarkdownChunks(text).parts(limit);
  }

  private List<String> parts(int limit) {
    List<String> parts = new ArrayList<>();
    int pos = 0;
    while (true) {
      String prefix = reopening(pos);
      if (prefix.length() + text.length() - pos <= limit) {
        parts.add(prefix + text.substring(pos));
        return parts;
      }
      int cut = cutPoint(pos, limit - prefix.length() - RESERVE);
      String head = text.substring(pos, cut).stripTrailing();
      parts.add(prefix + head + closing(pos + head.length()));
      pos = nextStart(cut);
    }
  }

  /** What starts a part at {@code pos}: the open code block's fence line, or the open spans. */
  private String reopening(int pos) {
    for (Block block : blocks) {
      if (block.holds(pos)) {
        return block.fenceLine() + "\n";
      }
    }
    StringBuilder markers = new StringBuilder();
    for (Span span : spans) {
      if (span.runsAcross(pos) && span.openEnd() < pos) {
        markers.append(span.marker());
      }
    }
    return markers.toString();
  }

  /** What ends a part at {@code end}: the code block's fence, or the open spans, innermost first. */
  private String closing(int end) {
    for (Block block : blocks) {
      if (block.holds(end)) {
        return "\n" + FENCE;
      }
    }
    StringBuilder markers = new StringBuilder();
    for (Span span : spans.reversed()) {
      if (span.runsAcross(end) && span.openEnd() < end) {
        markers.append(span.marker());
      }
    }
    return markers.toString();
  }

  /** Where the part after a cut starts: past the line breaks, and past spaces outside code. */
  private int nextStart(int cut) {
    int i = cut;
    boolean inBlock = blocks.stream().anyMatch(b -> b.holds(cut));
    while (i < text.length() && (text.charAt(i) == '\n' || (!inBlock && text.charAt(i) == ' '))) {
      i++;
    }
    return i;
  }

  /** Where to cut within {@code room} characters from {@code pos}: the latest break that fits. */
  private int cutPoint(int pos, int room) {
    int max = Math.min(pos + room, text.length());
    for (String separator : new String[] {"\n\n", "\n", " "}) {
      int at = text.lastIndexOf(separator, max - separator.length());
      if (at > pos + room / 3) {
        return at + separator.length();
      }
    }
    int cut = max;
    // A cut anywhere: not inside a marker, not just after an opening one or just before a closing
    // one (that would leave an empty span), not between the halves of a surrogate pair.
    while (cut > pos + 1 && !clean(cut)) {
      cut--;
    }
    return cut;
  }

  private boolean clean(int cut) {
    if (Character.isLowSurrogate(text.charAt(cut))) {
      return false;
    }
    for (Span span : spans) {
      boolean inOpening = cut > span.openStart() && cut <= span.openEnd();
      boolean inClosing = cut >= span.closeStart() && cut < span.closeEnd();
      if (inOpening || inClosing) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ reading the Markdown

  private void scan() {
    List<Span> open = new ArrayList<>(); // closeStart and closeEnd unknown yet (-1)
    int i = 0;
    while (i < text.length()) {
      if (atLineStart(i) && text.startsWith(FENCE, firstNonBlank(i))) {
        open.clear(); // a span left open before a code block stays literal
        i = block(i);
        continue;
      }
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '`') {
        i = inlineCode(i);
        continue;
      }
      String marker = markerAt(i, open);
      if (marker == null) {
        i++;
        continue;
      }
      int end = i + marker.length();
      int openIndex = indexOf(open, marker);
      if (openIndex >= 0 && canClose(i, end, marker)) {
        Span opened = open.get(openIndex);
        spans.add(new Span(marker, opened.openStart(), opened.openEnd(), i, end));
        // Spans opened inside it and not closed before it do not nest: they stay literal.
        open.subList(openIndex, open.size()).clear();
      } else if (canOpen(i, end, marker)) {
        open.add(new Span(marker, i, end, -1, -1));
      }
      i = end;
    }
    spans.sort(java.util.Comparator.comparingInt(Span::openStart));
  }

  /** The marker at {@code i}: the innermost open one if it closes here, else the longest. */
  private String markerAt(int i, List<Span> open) {
    if (!open.isEmpty()) {
      String innermost = open.getLast().marker();
      if (text.startsWith(innermost, i) && canClose(i, i + innermost.length(), innermost)) {
        return innermost;
      }
    }
    for (String marker : MARKERS) {
      if (text.startsWith(marker, i)) {
        return marker;
      }
    }
    return null;
  }

  private boolean canOpen(int start, int end, String marker) {
    if (end >= text.length() || Character.isWhitespace(text.charAt(end))) {
      return false;
    }
    return !marker.equals("_") || start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1));
  }

  private boolean canClose(int start, int end, String marker) {
    if (start == 0 || Character.isWhitespace(text.charAt(start - 1))) {
      return false;
    }
    return !marker.equals("_") || end >= text.length() || !Character.isLetterOrDigit(text.charAt(end));
  }

  /** Reads the code block whose fence line starts at {@code lineStart}; returns where it ends. */
  private int block(int lineStart) {
    int lineEnd = lineEnd(lineStart);
    int bodyStart = Math.min(lineEnd + 1, text.length());
    int i = bodyStart;
    while (i < text.length()) {
      if (text.startsWith(FENCE, firstNonBlank(i))) {
        blocks.add(new Block(text.substring(lineStart, lineEnd).strip(), lineStart, bodyStart, i));
        return Math.min(lineEnd(i) + 1, text.length());
      }
      i = lineEnd(i) + 1;
    }
    blocks.add(new Block(text.substring(lineStart, lineEnd).strip(), lineStart, bodyStart, text.length()));
    return text.length();
  }

  /** Reads inline code opened by the backticks at {@code i}; a span if they close, else literal. */
  private int inlineCode(int i) {
    int run = i;
    while (run < text.length() && text.charAt(run) == '`') {
      run++;
    }
    String ticks = text.substring(i, run);
    int close = text.indexOf(ticks, run);
    while (close >= 0 && close + ticks.length() < text.length() && text.charAt(close + ticks.length()) == '`') {
      close = text.indexOf(ticks, close + ticks.length() + 1);
    }
    if (close < 0 || close == run) {
      return run;
    }
    spans.add(new Span(ticks, i, run, close, close + ticks.length()));
    return close + ticks.length();
  }

  private boolean atLineStart(int i) {
    return i == 0 || text.charAt(i - 1) == '\n';
  }

  private int firstNonBlank(int lineStart) {
    int i = lineStart;
    while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private int lineEnd(int i) {
    int end = text.indexOf('\n', i);
    return end < 0 ? text.length() : end;
  }

  private static int indexOf(List<Span> open, String marker) {
    for (int i = open.size() - 1; i >= 0; i--) {
      if (open.get(i).marker().equals(marker)) {
        return i;
      }
    }
    return -1;
  }
}
