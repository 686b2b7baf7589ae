package dev.switchboard.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so that many failing rows do not retry in lockstep. */
final class Backoff {
  private Backoff() {}

  /**
   * The wait after {@code attempts} failed attempts (1 = the first failure): within 10% of {@code
   * initial × 2^(attempts - 1)}, and never longer than {@code max} (the jitter must not push it past).
   */
  static Duration after(int attempts, Duration initial, Duration max) {
    long base = initial.toMillis() << Math.min(Math.max(attempts - 1, 0), 30);
    long capped = Math.min(base <= 0 ? max.toMillis() : base, max.toMillis());
    long jitter = capped / 5 == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 5);
    return Duration.ofMillis(Math.min(capped - capped / 10 + jitter, max.toMillis()));
  }
}
