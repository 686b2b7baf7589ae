package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings of the webhook channel, read from its section ({@code channels.webhook}).
 *
 * @param token the bearer token integrators send, or null to use the generated one
 * @param callbackUrl where replies are POSTed, or null for the long-poll feed alone
 * @param signingSecret the HMAC key of callback signatures, or null to send them unsigned
 * @param callbackTimeout how long one callback may take, connecting included
 * @param maxWait the longest a long poll may wait
 * @param maxTextLength the longest inbound text, in characters (code points)
 * @param rateLimit the default pace of replies to one chat
 */
record WebhookSettings(
    String token,
    URI callbackUrl,
    String signingSecret,
    Duration callbackTimeout,
    Duration maxWait,
    int maxTextLength,
    RateLimit rateLimit) {

  static final String TOKEN_ENV = "SWITCHBOARD_WEBHOOK_TOKEN";
  static final String CALLBACK_URL_ENV = "SWITCHBOARD_WEBHOOK_CALLBACK_URL";
  static final String SIGNING_SECRET_ENV = "SWITCHBOARD_WEBHOOK_SIGNING_SECRET";

  WebhookSettings {
    requireNonNull(callbackTimeout, "callbackTimeout is null");
    requireNonNull(maxWait, "maxWait is null");
    requireNonNull(rateLimit, "rateLimit is null");
    if (token != null && !isPrintableWord(token)) {
      throw new IllegalArgumentException("token must be printable ASCII without spaces");
    }
    if (callbackTimeout.isNegative() || callbackTimeout.isZero()) {
      throw new IllegalArgumentException("callbackTimeout must be positive");
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative");
    }
    if (maxTextLength < 1) {
      throw new IllegalArgumentException("maxTextLength must be at least 1");
    }
  }

  /** Reads and checks the settings; every problem is a {@link ConfigException} naming its key. */
  static WebhookSettings from(Settings settings) {
    String section = settings.section();
    String token = settings.get("token", TOKEN_ENV).map(String::trim).orElse(null);
    if (token != null && !isPrintableWord(token)) {
      throw new ConfigException(
          section
              + ".token (or "
              + TOKEN_ENV
              + ") must be printable ASCII without spaces;"
              + " leave it unset to have a random token generated");
    }
    URI callbackUrl =
        settings
            .get("callbackUrl", CALLBACK_URL_ENV)
            .map(url -> callbackUrl(section, url))
            .orElse(null);
    String signingSecret = settings.get("signingSecret", SIGNING_SECRET_ENV).orElse(null);
    Duration callbackTimeout = settings.getDuration("callbackTimeout", Duration.ofSeconds(10));
    if (callbackTimeout.isNegative() || callbackTimeout.isZero()) {
      throw new ConfigException(section + ".callbackTimeout must be positive, e.g. 10s");
    }
    Duration maxWait = settings.getDuration("maxWait", Duration.ofSeconds(60));
    if (maxWait.isNegative()) {
      throw new ConfigException(section + ".maxWait must be zero or positive, e.g. 60s");
    }
    int maxTextLength = settings.getInt("maxTextLength", 65_536);
    if (maxTextLength < 1) {
      throw new ConfigException(section + ".maxTextLength must be at least 1, e.g. 65536");
    }
    return new WebhookSettings(
        token,
        callbackUrl,
        signingSecret,
        callbackTimeout,
        maxWait,
        maxTextLength,
        rateLimit(settings));
  }

  // The URL itself stays out of the message: integrators sometimes put credentials in it.
  private static URI callbackUrl(String section, String text) {
    String fix =
        section
            + ".callbackUrl (or "
            + CALLBACK_URL_ENV
            + ") must be an absolute http:// or"
            + " https:// URL such as https://example.com/switchboard/replies";
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(fix + "; it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(fix + "; its scheme is '" + scheme + "'");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(fix + "; it has no host");
    }
    return uri;
  }

  private static RateLimit rateLimit(Settings settings) {
    String section = settings.section();
    Optional<String> burst = settings.get("rateLimit.burst");
    Optional<String> interval = settings.get("rateLimit.interval");
    if (burst.isEmpty() && interval.isEmpty()) {
      return RateLimit.UNLIMITED;
    }
    if (burst.isEmpty() || interval.isEmpty()) {
      throw new ConfigException(
          section
              + ".rateLimit.burst and "
              + section
              + ".rateLimit.interval go together;"
              + " set both (e.g. burst 5, interval 1s) or neither");
    }
    int burstValue = settings.getInt("rateLimit.burst", 1);
    Duration intervalValue = settings.getDuration("rateLimit.interval", Duration.ZERO);
    if (burstValue < 1) {
      throw new ConfigException(section + ".rateLimit.burst must be at least 1, e.g. 5");
    }
    if (intervalValue.isNegative() || intervalValue.isZero()) {
      throw new ConfigException(section + ".rateLimit.interval must be positive, e.g. 1s");
    }
    return new RateLimit(burstValue, intervalValue);
  }

  private static boolean isPrintableWord(String value) {
    return !value.isEmpty() && value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  // Records print every component; the token and the signing secret must never reach a log.
  @Override
  public String toString() {
    return "WebhookSettings[token="
        + (token == null ? "generated" : "****")
        + ", callbackUrl="
        + (callbackUrl == null ? "none" : callbackUrl.getScheme() + "://" + callbackUrl.getHost())
        + ", signingSecret="
        + (signingSecret == null ? "none" : "****")
        + ", callbackTimeout="
        + callbackTimeout
        + ", maxWait="
        + maxWait
        + ", maxTextLength="
        + maxTextLength
        + ", rateLimit="
        + rateLimit
        + "]";
  }
}
