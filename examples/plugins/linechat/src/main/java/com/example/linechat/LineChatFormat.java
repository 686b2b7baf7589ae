package com.example.linechat;

import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of the linechat protocol. Pure: no I/O.
 *
 * <p>One line per command, fields separated by a tab. Inside a field a backslash, tab, line feed
 * and carriage return are written {@code \\}, {@code \t}, {@code \n} and {@code \r}; an empty
 * field means "none".
 */
final class LineChatFormat {
  /** The most characters one message may hold on a linechat server. */
  static final int MAX_TEXT_LENGTH = 500;

  private LineChatFormat() {}

  /** The line for these fields; a null field is written empty. */
  static String line(String... fields) {
    List<String> escaped = new ArrayList<>();
    for (String field : fields) {
      escaped.add(field == null ? "" : escape(field));
    }
    return String.join("\t", escaped);
  }

  /** The fields of a line; an empty field is null. */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    for (String field : line.split("\t", -1)) {
      fields.add(field.isEmpty() ? null : unescape(field));
    }
    return fields;
  }

  static String escape(String text) {
    return text.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r");
  }

  static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      out.append(
          switch (next) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            default -> next;
          });
    }
    return out.toString();
  }
}
