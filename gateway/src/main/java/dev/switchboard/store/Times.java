package dev.switchboard.store;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one time format of the store: UTC in SQLite's own text form, {@code YYYY-MM-DD HH:MM:SS.SSS},
 * which compares correctly as text with {@code datetime('now')}. Agents may write ISO-8601 ({@code
 * T}, {@code Z}, offsets), so reading accepts that too.
 */
public final class Times {
  private static final DateTimeFormatter WRITE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter WRITE_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String format(Instant instant) {
    return WRITE.format(instant);
  }

  /**
   * Whole seconds, for times an agent compares with {@code datetime('now')} as text: a row due at
   * {@code 10:00:00.500} would otherwise only be due from {@code 10:00:01}.
   */
  public static String formatSeconds(Instant instant) {
    return WRITE_SECONDS.format(instant);
  }

  /** Reads SQLite's text form or ISO-8601; a time without zone is UTC. */
  public static Instant parse(String text) {
    String value = text.trim().replace(' ', 'T');
    try {
      if (value.endsWith("Z") || value.matches(".*T.*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(value.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
      }
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a time: '" + text + "'", e);
    }
  }
}
