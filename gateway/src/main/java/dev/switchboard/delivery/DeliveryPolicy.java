package dev.switchboard.delivery;

import dev.switchboard.plugin.api.RateLimit;
import java.time.Duration;
import java.util.Map;

/**
 * How the delivery part retries and paces.
 *
 * @param maxAttempts attempts (transient failures) before a row fails for good
 * @param initialBackoff the wait after the first transient failure; doubled after each
 * @param maxBackoff the longest wait between attempts
 * @param rateLimits per channel type, overriding the channel's own default
 */
public record DeliveryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Map<String, RateLimit> rateLimits) {
  public DeliveryPolicy {
    rateLimits = Map.copyOf(rateLimits);
  }
}
