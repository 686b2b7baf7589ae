package dev.switchboard.delivery;

import dev.switchboard.plugin.api.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per chat, shared by everything that sends to that chat (replies, schedules,
 * webhooks).
 */
final class RateLimiter {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    Instant updated;

    Bucket(double tokens, Instant updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  /**
   * Takes a token for the chat if one is there and returns zero; otherwise takes nothing and
   * returns how long until one is.
   */
  Duration acquire(String chatKey, RateLimit limit, Instant now) {
    if (limit.unlimited()) {
      return Duration.ZERO;
    }
    Bucket bucket = buckets.computeIfAbsent(chatKey, k -> new Bucket(limit.burst(), now));
    synchronized (bucket) {
      double refill =
          (double) Duration.between(bucket.updated, now).toNanos() / limit.interval().toNanos();
      bucket.tokens = Math.min(limit.burst(), bucket.tokens + Math.max(0, refill));
      bucket.updated = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Duration.ZERO;
      }
      double missing = 1 - bucket.tokens;
      return Duration.ofNanos((long) Math.ceil(missing * limit.interval().toNanos()));
    }
  }
}
