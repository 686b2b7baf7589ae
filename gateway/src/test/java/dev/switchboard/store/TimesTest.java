package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TimesTest {
  @Test
  void writes_sqlite_text_form_in_utc() {
    Instant t = Instant.parse("2026-11-26T09:05:07.123Z");
    assertEquals("2026-11-26 09:05:07.123", Times.format(t));
    assertEquals("2026-11-26 09:05:07", Times.formatSeconds(t));
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-26 09:05:07, 2026-11-26T09:05:07Z",
    "2026-11-26 09:05:07.250, 2026-11-26T09:05:07.250Z",
    "2026-11-26T09:05:07Z, 2026-11-26T09:05:07Z",
    "2026-11-26T09:05:07.5Z, 2026-11-26T09:05:07.500Z",
    "2026-11-26T10:05:07+01:00, 2026-11-26T09:05:07Z",
    "2026-11-26T04:05:07-0500, 2026-11-26T09:05:07Z",
    "2026-11-26T09:05:07, 2026-11-26T09:05:07Z",
    "2026-11-26 10:05:07+01:00, 2026-11-26T09:05:07Z"
  })
  void reads_sqlite_and_iso_forms(String text, String expected) {
    assertEquals(Instant.parse(expected), Times.parse(text));
  }

  @Test
  void refuses_what_is_not_a_time() {
    assertThrows(IllegalArgumentException.class, () -> Times.parse("yesterday"));
  }

  @Test
  void text_order_is_time_order() {
    Instant a = Instant.parse("2026-11-26T09:05:07.999Z");
    Instant b = Instant.parse("2026-11-26T09:05:08Z");
    assertEquals(-1, Integer.signum(Times.format(a).compareTo(Times.format(b))));
  }
}
