package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A token bucket for one chat: at most {@code burst} messages at once, refilled at one message per
 * {@code interval}.
 */
public record RateLimit(int burst, Duration interval) {
  public static final RateLimit UNLIMITED = new RateLimit(Integer.MAX_VALUE, Duration.ZERO);

  public RateLimit {
    requireNonNull(interval, "interval is null");
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
  }

  public boolean unlimited() {
    return interval.isZero();
  }
}
