package dev.switchboard.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  @ParameterizedTest(name = "{0} after {1} in {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          * * * * *          | 2026-11-26T10:00:00Z   | UTC              | 2026-11-26T10:01:00Z
          * * * * *          | 2026-11-26T10:00:30Z   | UTC              | 2026-11-26T10:01:00Z
          */15 * * * *       | 2026-11-26T10:14:59Z   | UTC              | 2026-11-26T10:15:00Z
          0 9 * * *          | 2026-11-26T09:00:00Z   | UTC              | 2026-11-27T09:00:00Z
          0 9 * * MON-FRI    | 2026-11-27T09:00:00Z   | UTC              | 2026-11-30T09:00:00Z
          0 9 * * 7          | 2026-11-26T00:00:00Z   | UTC              | 2026-11-29T09:00:00Z
          0 0 1 * *          | 2026-11-26T00:00:00Z   | UTC              | 2026-12-01T00:00:00Z
          0 0 29 2 *         | 2026-03-01T00:00:00Z   | UTC              | 2028-02-29T00:00:00Z
          0 12 13 * 5        | 2026-11-26T00:00:00Z   | UTC              | 2026-11-27T12:00:00Z
          30 8 * JAN,JUL *   | 2026-11-26T00:00:00Z   | UTC              | 2027-01-01T08:30:00Z
          5-10/5 * * * *     | 2026-11-26T10:06:00Z   | UTC              | 2026-11-26T10:10:00Z
          @daily             | 2026-11-26T10:00:00Z   | UTC              | 2026-11-27T00:00:00Z
          0 9 * * *          | 2026-11-26T07:00:00Z   | Europe/Berlin    | 2026-11-26T08:00:00Z
          0 9 * * *          | 2026-11-26T13:59:00Z   | America/New_York | 2026-11-26T14:00:00Z
          0 9 * * *          | 2026-07-01T12:00:00Z   | America/New_York | 2026-07-01T13:00:00Z
          """)
  void finds_the_next_time(String expression, String after, String zone, String expected) {
    assertEquals(
        Instant.parse(expected), Cron.parse(expression).next(Instant.parse(after), ZoneId.of(zone)).orElseThrow());
  }

  @Test
  void a_time_skipped_by_spring_forward_runs_shifted_by_the_gap() {
    // 2027-03-14: New York clocks jump from 02:00 to 03:00.
    Instant next = Cron.parse("30 2 * * *").next(Instant.parse("2027-03-14T05:00:00Z"), ZoneId.of("America/New_York")).orElseThrow();
    assertEquals(Instant.parse("2027-03-14T07:30:00Z"), next, "03:30 EDT");
  }

  @Test
  void a_time_repeated_by_fall_back_runs_once() {
    // 2026-11-01: New York clocks go back from 02:00 EDT to 01:00 EST; 01:30 happens twice.
    ZoneId ny = ZoneId.of("America/New_York");
    Cron cron = Cron.parse("30 1 * * *");
    Instant first = cron.next(Instant.parse("2026-11-01T04:00:00Z"), ny).orElseThrow();
    assertEquals(Instant.parse("2026-11-01T05:30:00Z"), first, "01:30 EDT");
    Instant second = cron.next(first, ny).orElseThrow();
    assertEquals(Instant.parse("2026-11-02T06:30:00Z"), second, "the next day, not 01:30 EST");
  }

  @Test
  void an_impossible_date_never_matches() {
    assertTrue(Cron.parse("0 0 30 2 *").next(Instant.parse("2026-01-01T00:00:00Z"), UTC).isEmpty());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          * * * *          | needs 5 fields
          60 * * * *       | cron minute field '60' is not valid
          * 24 * * *       | cron hour field '24' is not valid
          * * 0 * *        | cron day of month field '0' is not valid
          * * * 13 *       | cron month field '13' is not valid
          * * * * FUNDAY   | cron day of week field 'FUNDAY' is not valid
          */0 * * * *      | cron minute field '*/0' is not valid
          5-1 * * * *      | cron minute field '5-1' is not valid
          """)
  void refuses_bad_expressions_naming_the_field(String expression, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cron.parse(expression));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
