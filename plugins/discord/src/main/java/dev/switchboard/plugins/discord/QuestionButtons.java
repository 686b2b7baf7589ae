package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The custom ids of question buttons. A button's custom id (at most 100 characters) carries the
 * question id and the option's value, so that a press is understood even after a restart: {@code
 * sbq:<question id>\n<value>} when that fits, else {@code sbh:<hash>} with the pair kept in {@code
 * questions.log} in the channel's data folder.
 */
final class QuestionButtons {
  static final int MAX_CUSTOM_ID = 100;
  private static final String INLINE = "sbq:";
  private static final String HASHED = "sbh:";

  /** A question id and the value of the option chosen. */
  record Choice(String questionId, String value) {
    Choice {
      requireNonNull(questionId, "questionId is null");
      requireNonNull(value, "value is null");
    }
  }

  private final Path log;
  // Guarded by this; loaded lazily from the log.
  private Map<String, Choice> hashed;

  QuestionButtons(Path log) {
    this.log = requireNonNull(log, "log is null");
  }

  /** The custom id of the button for {@code value} under question {@code questionId}. */
  synchronized String customId(String questionId, String value) {
    String inline = INLINE + questionId + "\n" + value;
    if (inline.length() <= MAX_CUSTOM_ID && questionId.indexOf('\n') < 0) {
      return inline;
    }
    String id = HASHED + hash(questionId + "\u0000" + value);
    if (!loaded().containsKey(id)) {
      append(id, questionId, value);
      hashed.put(id, new Choice(questionId, value));
    }
    return id;
  }

  /** The choice a pressed button stands for, or empty for a button that is not a question's. */
  synchronized Optional<Choice> choice(String customId) {
    if (customId.startsWith(INLINE)) {
      String rest = customId.substring(INLINE.length());
      int newline = rest.indexOf('\n');
      return newline < 0
          ? Optional.empty()
          : Optional.of(new Choice(rest.substring(0, newline), rest.substring(newline + 1)));
    }
    if (customId.startsWith(HASHED)) {
      return Optional.ofNullable(loaded().get(customId));
    }
    return Optional.empty();
  }

  private Map<String, Choice> loaded() {
    if (hashed == null) {
      hashed = new HashMap<>();
      if (Files.exists(log)) {
        try {
          List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
          for (String line : lines) {
            String[] parts = line.split("\t", 3);
            if (parts.length == 3) {
              hashed.put(parts[0], new Choice(unescape(parts[1]), unescape(parts[2])));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + log, e);
        }
      }
    }
    return hashed;
  }

  private void append(String id, String questionId, String value) {
    String line = id + "\t" + escape(questionId) + "\t" + escape(value) + "\n";
    try {
      Files.writeString(
          log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + log, e);
    }
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String unescape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 't' ? '\t' : next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
