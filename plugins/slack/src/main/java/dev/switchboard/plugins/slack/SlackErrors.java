package dev.switchboard.plugins.slack;

import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import dev.switchboard.plugin.api.DeliveryResult.Failure;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Classifies every failure of a Web API call, once: rate limits with Slack's Retry-After, errors
 * that may pass (network, 5xx, Slack's own internal errors) as transient, everything else
 * (unknown conversation, not a member, revoked or wrong token, deactivated account, a malformed
 * request) as permanent.
 */
final class SlackErrors {
  /** What Slack asks for when it names no wait: its documented minimum for a retried call. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  private static final Set<String> RATE_LIMITED = Set.of("ratelimited", "rate_limited");
  private static final Set<String> TRANSIENT =
      Set.of("internal_error", "fatal_error", "service_unavailable", "request_timeout");

  /** A Web API call that failed; {@link #failure()} says how. */
  static final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Failure failure;

    CallFailed(Failure failure) {
      super(failure.reason(), null, false, false);
      this.failure = failure;
    }

    Failure failure() {
      return failure;
    }

    /** Slack's error code, when the failure is one Slack named. */
    boolean is(String error) {
      return failure.reason().endsWith(": " + error);
    }
  }

  /** A call of the Slack SDK. */
  @FunctionalInterface
  interface SlackCall<T> {
    T call() throws IOException, SlackApiException;
  }

  private SlackErrors() {}

  /** Runs {@code call}; a response with {@code ok: false} or an exception becomes {@link CallFailed}. */
  static <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call)
      throws CallFailed {
    T response;
    try {
      response = call.call();
    } catch (SlackApiException e) {
      throw new CallFailed(classify(method, e));
    } catch (IOException e) {
      throw new CallFailed(
          new Transient(method + " failed: " + e.getClass().getSimpleName() + " " + e.getMessage()));
    } catch (RuntimeException e) {
      // The SDK wraps some transport problems (a malformed response body) in runtime exceptions.
      throw new CallFailed(new Transient(method + " failed: " + e.getClass().getSimpleName()));
    }
    if (!response.isOk()) {
      throw new CallFailed(classify(method, response.getError(), response.getHttpResponseHeaders()));
    }
    return response;
  }

  /** An {@code ok: false} answer, by its error code. */
  static Failure classify(String method, String error, Map<String, List<String>> headers) {
    String code = error == null ? "unknown_error" : error;
    String reason = method + " failed: " + code;
    if (RATE_LIMITED.contains(code)) {
      return new RateLimited(retryAfter(header(headers, "retry-after")), reason);
    }
    if (TRANSIENT.contains(code)) {
      return new Transient(reason);
    }
    return new Permanent(reason);
  }

  /** An answer other than HTTP 200. */
  static Failure classify(String method, SlackApiException e) {
    int status = e.getResponse().code();
    String error = e.getError() == null ? null : e.getError().getError();
    String reason = method + " failed: HTTP " + status + (error == null ? "" : ": " + error);
    if (status == 429 || RATE_LIMITED.contains(error)) {
      return new RateLimited(retryAfter(e.getResponse().header("Retry-After")), reason);
    }
    if (status >= 500 || status == 408 || TRANSIENT.contains(error)) {
      return new Transient(reason);
    }
    return new Permanent(reason);
  }

  /** Retry-After in seconds, as Slack sends it; a missing or odd value means the default. */
  static Duration retryAfter(String value) {
    if (value == null) {
      return DEFAULT_RETRY_AFTER;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? DEFAULT_RETRY_AFTER : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return DEFAULT_RETRY_AFTER;
    }
  }

  private static String header(Map<String, List<String>> headers, String name) {
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey() != null
          && entry.getKey().equalsIgnoreCase(name)
          && !entry.getValue().isEmpty()) {
        return entry.getValue().get(0);
      }
    }
    return null;
  }
}
