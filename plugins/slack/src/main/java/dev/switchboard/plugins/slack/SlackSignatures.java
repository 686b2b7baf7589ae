package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signatures, version {@code v0}: {@code X-Slack-Signature: v0=<hex
 * HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body)>}.
 *
 * <p>Written here rather than taken from the SDK because its helper turns the text into bytes with
 * the platform charset, which is not UTF-8 everywhere, and compares with {@code String.equals}. The
 * body is hashed as the raw bytes received; only the prefix is text, and it is ASCII.
 */
final class SlackSignatures {
  static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  static final String SIGNATURE_HEADER = "X-Slack-Signature";
  /** Slack's own window: a request older or newer than this is refused as a possible replay. */
  static final Duration WINDOW = Duration.ofMinutes(5);

  private static final String VERSION = "v0";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  SlackSignatures(String signingSecret) {
    requireNonNull(signingSecret, "signingSecret is null");
    this.key = new SecretKeySpec(signingSecret.getBytes(UTF_8), ALGORITHM);
  }

  /** Why a request is refused, or empty when its signature is good and fresh. */
  Optional<String> problem(
      Optional<String> timestampHeader, Optional<String> signatureHeader, byte[] body, Instant now) {
    if (timestampHeader.isEmpty() || signatureHeader.isEmpty()) {
      return Optional.of("missing " + TIMESTAMP_HEADER + " or " + SIGNATURE_HEADER);
    }
    String timestamp = timestampHeader.get().trim();
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return Optional.of(TIMESTAMP_HEADER + " is not a number");
    }
    // Compared without subtracting: a timestamp near Long.MIN_VALUE would overflow the difference
    // and pass as fresh.
    long nowSeconds = now.getEpochSecond();
    if (seconds < nowSeconds - WINDOW.toSeconds() || seconds > nowSeconds + WINDOW.toSeconds()) {
      return Optional.of(
          "the request timestamp " + seconds + " is more than " + WINDOW.toSeconds()
              + " s away from now (" + nowSeconds + ")");
    }
    byte[] expected = sign(timestamp, body).getBytes(UTF_8);
    byte[] offered = signatureHeader.get().trim().getBytes(UTF_8);
    return MessageDigest.isEqual(expected, offered)
        ? Optional.empty()
        : Optional.of("the signature does not match");
  }

  /** The {@code X-Slack-Signature} value for a request with this timestamp and raw body. */
  String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update((VERSION + ":" + timestamp + ":").getBytes(UTF_8));
      mac.update(body);
      return VERSION + "=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SlackSignatures[****]";
  }
}
