package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The outcome of {@link Channel#deliver}. A channel classifies each failure once, here; the
 * gateway's delivery part alone decides whether to retry, wait or give up.
 */
public sealed interface DeliveryResult {

  /** Sent; {@code platformMessageId} is the platform's id for it (null if it has none). */
  record Delivered(String platformMessageId) implements DeliveryResult {}

  /** Not sent. */
  sealed interface Failure extends DeliveryResult {
    String reason();
  }

  /** Might work later: network errors, timeouts, 5xx. Retried with backoff. */
  record Transient(String reason) implements Failure {
    public Transient {
      requireNonNull(reason, "reason is null");
    }
  }

  /** The platform asked to slow down; retried after {@code retryAfter}. */
  record RateLimited(Duration retryAfter, String reason) implements Failure {
    public RateLimited {
      requireNonNull(retryAfter, "retryAfter is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /** Will never work (unknown chat, no permission, bad request); the agent is told. */
  record Permanent(String reason) implements Failure {
    public Permanent {
      requireNonNull(reason, "reason is null");
    }
  }
}
