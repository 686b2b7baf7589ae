package dev.switchboard.plugin.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the fake platform is to refuse the next message the bot sends, in the platform's own terms
 * (an HTTP status, an error code of its protocol). The conformance suite checks the channel
 * classifies each one as the delivery part expects.
 */
public sealed interface PlatformFailure {

  /** "Too many requests; try again after {@code retryAfter}" (HTTP 429 with Retry-After). */
  record RateLimited(Duration retryAfter) implements PlatformFailure {
    public RateLimited {
      requireNonNull(retryAfter, "retryAfter is null");
    }
  }

  /** The platform failed on its side (HTTP 5xx). */
  record ServerError() implements PlatformFailure {}

  /** The bot's credentials were refused (HTTP 401 or 403, a revoked token). */
  record AuthFailure() implements PlatformFailure {}
}
