package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.plugin.api.RateLimit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final RateLimit TWO_PER_200MS = new RateLimit(2, Duration.ofMillis(200));

  private final RateLimiter limiter = new RateLimiter();

  @Test
  void lets_a_burst_through_then_says_how_long_until_the_next_token() {
    assertEquals(Duration.ZERO, limiter.acquire("discord|c1", TWO_PER_200MS, T0));
    assertEquals(Duration.ZERO, limiter.acquire("discord|c1", TWO_PER_200MS, T0));
    assertEquals(Duration.ofMillis(200), limiter.acquire("discord|c1", TWO_PER_200MS, T0));
    assertEquals(Duration.ofMillis(150), limiter.acquire("discord|c1", TWO_PER_200MS, T0.plusMillis(50)));
  }

  @Test
  void a_wait_takes_no_token() {
    limiter.acquire("c", TWO_PER_200MS, T0);
    limiter.acquire("c", TWO_PER_200MS, T0);
    limiter.acquire("c", TWO_PER_200MS, T0.plusMillis(100)); // told to wait 100 ms

    assertEquals(Duration.ZERO, limiter.acquire("c", TWO_PER_200MS, T0.plusMillis(200)));
    assertEquals(Duration.ofMillis(200), limiter.acquire("c", TWO_PER_200MS, T0.plusMillis(200)));
  }

  @Test
  void refills_one_token_per_interval_up_to_the_burst() {
    limiter.acquire("c", TWO_PER_200MS, T0);
    limiter.acquire("c", TWO_PER_200MS, T0);

    Instant later = T0.plusSeconds(60); // long idle: refilled to the burst, not beyond
    assertEquals(Duration.ZERO, limiter.acquire("c", TWO_PER_200MS, later));
    assertEquals(Duration.ZERO, limiter.acquire("c", TWO_PER_200MS, later));
    assertEquals(Duration.ofMillis(200), limiter.acquire("c", TWO_PER_200MS, later));
  }

  @Test
  void chats_have_separate_buckets() {
    limiter.acquire("discord|c1", TWO_PER_200MS, T0);
    limiter.acquire("discord|c1", TWO_PER_200MS, T0);

    assertEquals(Duration.ZERO, limiter.acquire("discord|c2", TWO_PER_200MS, T0));
    assertEquals(Duration.ZERO, limiter.acquire("slack|c1", TWO_PER_200MS, T0));
  }

  @Test
  void an_unlimited_chat_never_waits() {
    for (int i = 0; i < 1000; i++) {
      assertEquals(Duration.ZERO, limiter.acquire("c", RateLimit.UNLIMITED, T0));
    }
  }

  @Test
  void a_clock_that_steps_back_neither_adds_tokens_nor_breaks_the_bucket() {
    RateLimit onePerSecond = new RateLimit(1, Duration.ofSeconds(1));
    limiter.acquire("c", onePerSecond, T0);

    assertEquals(Duration.ofSeconds(1), limiter.acquire("c", onePerSecond, T0.minusSeconds(5)));
    assertEquals(Duration.ZERO, limiter.acquire("c", onePerSecond, T0.minusSeconds(4)));
  }

  @Test
  void a_send_waits_for_the_channels_bucket_without_spending_the_chats_token() {
    RateLimit channel = new RateLimit(1, Duration.ofMillis(100));
    RateLimit chat = new RateLimit(1, Duration.ofSeconds(1));
    assertEquals(Duration.ZERO, limiter.acquire("t|a", chat, "t", channel, T0));

    assertEquals(Duration.ofMillis(100), limiter.acquire("t|b", chat, "t", channel, T0), "chat b waits for the channel");
    assertEquals(Duration.ZERO, limiter.acquire("t|b", chat, "t", channel, T0.plusMillis(100)),
        "and then has its own token still");
    assertEquals(Duration.ofMillis(800), limiter.acquire("t|a", chat, "t", channel, T0.plusMillis(200)),
        "a full channel bucket does not lift a chat's pace");
  }

  @Test
  void a_chats_wait_takes_no_token_from_the_channel() {
    RateLimit channel = new RateLimit(1, Duration.ofMillis(100));
    RateLimit chat = new RateLimit(1, Duration.ofSeconds(1));
    limiter.acquire("t|a", chat, "t", channel, T0);

    assertEquals(Duration.ofMillis(800), limiter.acquire("t|a", chat, "t", channel, T0.plusMillis(200)));
    assertEquals(Duration.ZERO, limiter.acquire("t|b", chat, "t", channel, T0.plusMillis(200)),
        "the channel's token is still there for another chat");
  }
}
