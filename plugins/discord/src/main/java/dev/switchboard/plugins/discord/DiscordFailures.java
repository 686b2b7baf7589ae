package dev.switchboard.plugins.discord;

import dev.switchboard.plugin.api.DeliveryResult.Failure;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InsufficientPermissionException;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.Response;

/**
 * Turns what JDA throws into the delivery part's three kinds of failure, once, here: Discord's
 * error codes for unknown things and missing access or permissions are permanent, a rate limit
 * carries Discord's retry-after, and network errors and 5xx answers are transient.
 */
final class DiscordFailures {
  // A floor for retry-after: Discord sometimes answers 429 with 0 for a bucket that just reset.
  private static final Duration MIN_RETRY_AFTER = Duration.ofMillis(100);

  private DiscordFailures() {}

  static Failure classify(Throwable thrown) {
    Throwable error = unwrap(thrown);
    return switch (error) {
      case RateLimitedException limited ->
          new RateLimited(
              max(Duration.ofMillis(limited.getRetryAfter())),
              "Discord rate limit on " + limited.getRateLimitedRoute());
      case ErrorResponseException response -> classify(response);
      case InsufficientPermissionException missing ->
          new Permanent("the bot lacks the Discord permission " + missing.getPermission().getName());
      case TimeoutException timeout -> new Transient("Discord did not answer in time");
      case IOException io -> network(io);
      case UncheckedIOException io -> network(io);
      case RejectedExecutionException stopped -> shuttingDown();
      case CancellationException stopped -> shuttingDown();
      // JDA checks lengths, counts and names before sending; the same message fails again.
      case IllegalArgumentException invalid -> refused(invalid);
      case IllegalStateException invalid -> refused(invalid);
      default -> new Transient("unexpected " + error.getClass().getSimpleName() + ": " + error.getMessage());
    };
  }

  private static Failure network(Exception error) {
    return new Transient("network error talking to Discord: " + error.getClass().getSimpleName());
  }

  private static Failure shuttingDown() {
    return new Transient("the Discord connection is shutting down");
  }

  private static Failure refused(RuntimeException error) {
    return new Permanent("the message cannot be sent to Discord: " + error.getMessage());
  }

  private static Failure classify(ErrorResponseException error) {
    Response response = error.getResponse();
    int status = response == null ? -1 : status(response);
    String what = "Discord error " + error.getErrorCode() + " (" + error.getMeaning() + ")";
    if (response != null && response.getException() != null) {
      // No HTTP answer at all: the request failed on the way (connect, read timeout, reset).
      return new Transient("network error talking to Discord: " + error.getMeaning());
    }
    if (status == 429) {
      long millis = response.retryAfter > 0 ? response.retryAfter : 1000;
      return new RateLimited(max(Duration.ofMillis(millis)), what);
    }
    if (status >= 500 || status == 408 || status < 0) {
      return new Transient(what + ", HTTP " + status);
    }
    // 400 bad request, 401 revoked token, 403 missing access or permissions, 404 unknown channel
    // or message: sending the same thing again cannot succeed.
    return new Permanent(what + ", HTTP " + status);
  }

  /** The status Discord answered, also when {@link ServerErrorPassThrough} handed it to JDA as a 500. */
  private static int status(Response response) {
    okhttp3.Response raw = response.getRawResponse();
    String real = raw == null ? null : raw.header(ServerErrorPassThrough.STATUS_HEADER);
    return real == null ? response.code : Integer.parseInt(real);
  }

  private static Duration max(Duration retryAfter) {
    return retryAfter.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : retryAfter;
  }

  private static Throwable unwrap(Throwable thrown) {
    Throwable error = thrown;
    while ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
