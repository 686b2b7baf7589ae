package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body, as the telegrambots client sends files: the fake's parser. */
final class Multipart {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

  /** One part: a plain field has no file name. */
  record Part(String name, String fileName, byte[] content) {
    String text() {
      return new String(content, UTF_8);
    }
  }

  private Multipart() {}

  static Map<String, Part> parse(String contentType, byte[] body) {
    Matcher boundaryMatch = BOUNDARY.matcher(contentType);
    if (!boundaryMatch.find()) {
      throw new IllegalArgumentException("no boundary in " + contentType);
    }
    byte[] delimiter = ("--" + boundaryMatch.group(1)).getBytes(ISO_8859_1);
    Map<String, Part> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // the closing delimiter
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      byte[] raw = Arrays.copyOfRange(body, start, next - 2); // CRLF before the next delimiter
      int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(ISO_8859_1), 0);
      String headers = new String(raw, 0, headerEnd, UTF_8);
      byte[] content = Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
      String disposition = headers.lines()
          .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-disposition"))
          .findFirst()
          .orElse("");
      Matcher name = NAME.matcher(disposition);
      Matcher fileName = FILENAME.matcher(disposition);
      if (name.find()) {
        parts.put(name.group(1), new Part(name.group(1), fileName.find() ? fileName.group(1) : null, content));
      }
      at = next;
    }
    return parts;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
