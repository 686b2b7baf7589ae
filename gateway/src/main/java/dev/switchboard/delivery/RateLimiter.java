package dev.switchboard.delivery;

import dev.switchboard.plugin.api.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per chat, shared by everything that sends to that chat (replies, schedules,
 * webhooks), and one per channel for a pace across all its chats.
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
    return acquire(chatKey, limit, null, RateLimit.UNLIMITED, now);
  }

  /**
   * Takes a token from the chat's bucket and one from the channel's together, or none: a send
   * waits for whichever is empty without using up the other's token meanwhile. Returns zero when
   * both were taken, else how long until both have one.
   */
  Duration acquire(String chatKey, RateLimit chatLimit, String channelKey, RateLimit channelLimit, Instant now) {
    if (channelLimit.unlimited()) {
      return chatLimit.unlimited() ? Duration.ZERO : take(bucket(chatKey, chatLimit, now), chatLimit, null, null, now);
    }
    Bucket channel = bucket(channelKey, channelLimit, now);
    // Lock order: the channel's bucket, then the chat's.
    synchronized (channel) {
      return chatLimit.unlimited()
          ? take(channel, channelLimit, null, null, now)
          : take(bucket(chatKey, chatLimit, now), chatLimit, channel, channelLimit, now);
    }
  }

  private Bucket bucket(String key, RateLimit limit, Instant now) {
    return buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
  }

  private static Duration take(Bucket first, RateLimit firstLimit, Bucket second, RateLimit secondLimit, Instant now) {
    synchronized (first) {
      Duration wait = refill(first, firstLimit, now);
      if (second != null) {
        Duration other = refill(second, secondLimit, now);
        wait = wait.compareTo(other) >= 0 ? wait : other;
      }
      if (!wait.isZero()) {
        return wait;
      }
      first.tokens -= 1;
      if (second != null) {
        second.tokens -= 1;
      }
      return Duration.ZERO;
    }
  }

  /** Adds the tokens earned since the bucket was last looked at; returns how long until it has one. */
  private static Duration refill(Bucket bucket, RateLimit limit, Instant now) {
    double earned = (double) Duration.between(bucket.updated, now).toNanos() / limit.interval().toNanos();
    bucket.tokens = Math.min(limit.burst(), bucket.tokens + Math.max(0, earned));
    bucket.updated = now;
    if (bucket.tokens >= 1) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * limit.interval().toNanos()));
  }
}
