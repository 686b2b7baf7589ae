package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(10);

  @ParameterizedTest(name = "after {0} failures: about {1} ms")
  @CsvSource({"0, 100", "1, 100", "2, 200", "3, 400", "4, 800", "7, 6400", "8, 10000", "40, 10000"})
  void doubles_from_the_initial_wait_within_ten_percent(int attempts, long expectedMillis) {
    for (int i = 0; i < 200; i++) {
      long wait = Backoff.after(attempts, INITIAL, MAX).toMillis();
      assertTrue(
          wait >= expectedMillis * 9 / 10 && wait <= expectedMillis * 11 / 10,
          attempts + " failures: " + wait + " ms");
    }
  }

  @Test
  void never_waits_longer_than_the_maximum() {
    for (int i = 0; i < 1000; i++) {
      Duration wait = Backoff.after(20, INITIAL, MAX);
      assertTrue(wait.compareTo(MAX) <= 0, "waited " + wait);
    }
  }

  @Test
  void jitter_spreads_retries_of_many_rows() {
    long distinct =
        java.util.stream.IntStream.range(0, 100)
            .mapToLong(i -> Backoff.after(3, INITIAL, MAX).toMillis())
            .distinct()
            .count();
    assertTrue(distinct > 10, "only " + distinct + " distinct waits");
  }

  @Test
  void an_initial_wait_too_large_to_double_is_capped_not_overflowed() {
    Duration wait = Backoff.after(30, Duration.ofDays(3650), MAX);
    assertTrue(!wait.isNegative() && wait.compareTo(MAX) <= 0, "waited " + wait);
  }
}
