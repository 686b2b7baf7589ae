package dev.switchboard.scheduling;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A 5-field cron expression ({@code minute hour day-of-month month day-of-week}) in a time zone.
 * Fields take {@code *}, numbers, ranges {@code a-b}, steps {@code * /n} and {@code a-b/n}, lists
 * {@code a,b}, month and day names ({@code JAN}, {@code MON}); day-of-week 0 and 7 are Sunday. As in
 * the classic cron, when both day fields are restricted a day matches if either does. The macros
 * {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly} and {@code @yearly} are
 * accepted.
 *
 * <p>Daylight saving: a time that does not exist on a spring-forward day runs at the same wall
 * time shifted by the gap (02:30 becomes 03:30); a time that occurs twice on a fall-back day runs
 * once, at its first occurrence.
 */
public final class Cron {
  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  /** How far ahead a match is searched for; an expression like 30 Feb never matches. */
  private static final int MAX_YEARS = 8;

  private final String expression;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean dayOfMonthRestricted;
  private final boolean dayOfWeekRestricted;

  private Cron(String expression, String[] fields) {
    this.expression = expression;
    this.minutes = field(fields[0], 0, 59, null, "minute");
    this.hours = field(fields[1], 0, 23, null, "hour");
    this.daysOfMonth = field(fields[2], 1, 31, null, "day of month");
    this.months = field(fields[3], 1, 12, MONTHS, "month");
    BitSet days = field(fields[4], 0, 7, DAYS, "day of week");
    if (days.get(7)) {
      days.set(0);
    }
    this.daysOfWeek = days;
    this.dayOfMonthRestricted = !fields[2].equals("*") && !fields[2].equals("?");
    this.dayOfWeekRestricted = !fields[4].equals("*") && !fields[4].equals("?");
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException saying which field is wrong
   */
  public static Cron parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a cron expression is empty");
    }
    String trimmed = expression.trim();
    String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    String[] fields = expanded.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "cron expression '" + expression + "' needs 5 fields (minute hour day month weekday), has "
              + fields.length);
    }
    return new Cron(trimmed, fields);
  }

  /** The first matching time strictly after {@code after}, or empty if there is none. */
  public Optional<Instant> next(Instant after, ZoneId zone) {
    LocalDateTime t = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDateTime limit = t.plusYears(MAX_YEARS);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).toLocalDate().atStartOfDay().plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.toLocalDate().atStartOfDay().plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        ZonedDateTime zoned = t.atZone(zone);
        if (!zoned.toInstant().isAfter(after)) {
          zoned = zoned.withLaterOffsetAtOverlap();
        }
        if (zoned.toInstant().isAfter(after)) {
          return Optional.of(zoned.toInstant());
        }
        t = t.plusMinutes(1);
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    if (dayOfMonthRestricted && dayOfWeekRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private static BitSet field(String text, int min, int max, String[] names, String name) {
    BitSet set = new BitSet(max + 1);
    for (String part : text.split(",")) {
      try {
        addPart(set, part.toUpperCase(Locale.ROOT), min, max, names);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cron " + name + " field '" + text + "' is not valid (" + e.getMessage() + "); allowed: "
                + min + "-" + max + (names == null ? "" : " or names like " + names[1]) + ", *, a-b, */n, lists");
      }
    }
    return set;
  }

  private static void addPart(BitSet set, String part, int min, int max, String[] names) {
    int step = 1;
    String range = part;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      step = Integer.parseInt(part.substring(slash + 1));
      range = part.substring(0, slash);
      if (step < 1) {
        throw new IllegalArgumentException("step must be at least 1");
      }
    }
    int from;
    int to;
    if (range.equals("*") || range.equals("?")) {
      from = min;
      to = max;
    } else if (range.contains("-")) {
      String[] ends = range.split("-", 2);
      from = value(ends[0], names, min);
      to = value(ends[1], names, min);
    } else {
      from = value(range, names, min);
      to = slash >= 0 ? max : from;
    }
    if (from < min || to > max || from > to) {
      throw new IllegalArgumentException(range + " is out of range");
    }
    for (int v = from; v <= to; v += step) {
      set.set(v);
    }
  }

  private static int value(String text, String[] names, int min) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(text)) {
          return i + min;
        }
      }
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a number");
    }
  }

  @Override
  public String toString() {
    return expression;
  }
}
