package dev.switchboard.delivery;

import dev.switchboard.plugin.api.RateLimit;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * How the delivery part retries and paces.
 *
 * @param maxAttempts attempts (transient failures) before a row fails for good
 * @param initialBackoff the wait after the first transient failure; doubled after each
 * @param maxBackoff the longest wait between attempts
 * @param rateLimits per channel type, overriding the channel's own default
 * @param maxOutboundFileBytes the largest file an agent may send
 * @param timezone the zone recurrences are read in
 */
public record DeliveryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Map<String, RateLimit> rateLimits,
    long maxOutboundFileBytes,
    ZoneId timezone) {
  public DeliveryPolicy {
    rateLimits = Map.copyOf(rateLimits);
  }

  /** A policy with the default file limit (50 MiB) and UTC for recurrences. */
  public DeliveryPolicy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Map<String, RateLimit> rateLimits) {
    this(maxAttempts, initialBackoff, maxBackoff, rateLimits, 50L * 1024 * 1024, ZoneId.of("UTC"));
  }
}
