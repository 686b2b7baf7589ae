package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs reply entries to the integrator's callback URL and classifies the outcome once, here. Owns
 * its {@link HttpClient}. Neither the URL nor the signing secret appears in a reason, since reasons
 * reach logs and the agent.
 */
final class WebhookCallback implements AutoCloseable {
  static final String TIMESTAMP_HEADER = "X-Switchboard-Timestamp";
  static final String SIGNATURE_HEADER = "X-Switchboard-Signature";
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

  private final URI url;
  private final byte[] signingSecret;
  private final Duration timeout;
  private final Clock clock;
  private final HttpClient client;

  WebhookCallback(URI url, String signingSecret, Duration timeout, Clock clock) {
    this.url = requireNonNull(url, "url is null");
    this.signingSecret = signingSecret == null ? null : signingSecret.getBytes(UTF_8);
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.clock = requireNonNull(clock, "clock is null");
    // HTTP/1.1: for plain http the default would offer an h2c upgrade, which some receivers
    // refuse; one small POST per reply gains nothing from HTTP/2.
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /** Sends one entry; {@code id} doubles as the idempotency key so receivers can drop repeats. */
  DeliveryResult post(String id, String entry) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", id)
            .POST(HttpRequest.BodyPublishers.ofString(entry, UTF_8));
    if (signingSecret != null) {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      request.header(TIMESTAMP_HEADER, timestamp);
      request.header(SIGNATURE_HEADER, signature(signingSecret, timestamp, entry));
    }
    try {
      HttpResponse<Void> response =
          client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return classify(
          id, response.statusCode(), response.headers().firstValue("Retry-After"), clock.instant());
    } catch (HttpTimeoutException e) {
      return new Transient("the callback did not answer within " + timeout);
    } catch (IOException e) {
      return new Transient(
          "the callback could not be reached (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Transient("interrupted while calling the callback");
    }
  }

  /** {@code v1=} and the lower-hex HMAC-SHA256 of {@code timestamp + "." + body}. */
  static String signature(byte[] secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(timestamp.getBytes(UTF_8));
      mac.update((byte) '.');
      return "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** What an answer of the callback means for the delivery. */
  static DeliveryResult classify(String id, int status, Optional<String> retryAfter, Instant now) {
    if (status >= 200 && status < 300) {
      return new Delivered(id);
    }
    if (status == 429) {
      return new RateLimited(
          retryAfter(retryAfter, now), "the callback answered 429 (too many requests)");
    }
    if (status >= 500) {
      return new Transient("the callback answered " + status);
    }
    return new Permanent(
        "the callback answered "
            + status
            + "; check channels.webhook.callbackUrl and the receiver");
  }

  /** Retry-After as delay seconds or an HTTP date; one second when absent or unreadable. */
  static Duration retryAfter(Optional<String> header, Instant now) {
    if (header.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    String value = header.get().strip();
    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return DEFAULT_RETRY_AFTER;
      }
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(now, at);
      return delay.isNegative() ? Duration.ZERO : delay;
    } catch (DateTimeParseException e) {
      return DEFAULT_RETRY_AFTER;
    }
  }

  /** Aborts calls in flight (they end as transient failures) and ends the client's threads. */
  @Override
  public void close() {
    client.shutdownNow();
    try {
      client.awaitTermination(SHUTDOWN_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
