package dev.switchboard.plugins.slack;

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
 * The settings of the Slack channel, read from its section ({@code channels.slack}).
 *
 * @param botToken the bot token ({@code xoxb-…}) every Web API call uses
 * @param signingSecret the app's signing secret; required for the Events API, unused in Socket Mode
 * @param appToken the app-level token ({@code xapp-…}) Socket Mode connects with, or null
 * @param apiUrl the Web API prefix, ending in {@code /} ({@code https://slack.com/api/}; GovSlack
 *     and tests use another)
 * @param mode how events reach the channel
 * @param maxFileBytes the largest shared file downloaded; bigger ones are named in the text only
 * @param rateLimit the default pace of outbound messages to one conversation
 * @param callTimeout how long one Web API call may take when sending
 */
record SlackSettings(
    String botToken,
    String signingSecret,
    String appToken,
    URI apiUrl,
    Mode mode,
    long maxFileBytes,
    RateLimit rateLimit,
    Duration callTimeout) {

  /** How events reach the channel. */
  enum Mode {
    /** A WebSocket the channel opens with the app-level token; no public URL needed. */
    SOCKET,
    /** Slack POSTs events to the gateway's {@code /webhooks/slack/events}. */
    EVENTS
  }

  static final String BOT_TOKEN_ENV = "SLACK_BOT_TOKEN";
  static final String SIGNING_SECRET_ENV = "SLACK_SIGNING_SECRET";
  static final String APP_TOKEN_ENV = "SLACK_APP_TOKEN";
  static final String API_URL_ENV = "SLACK_API_URL";
  static final URI DEFAULT_API_URL = URI.create("https://slack.com/api/");
  static final long DEFAULT_MAX_FILE_BYTES = 20L * 1024 * 1024;

  /**
   * Slack's published limit for chat.postMessage: about one message per second per conversation,
   * with short bursts allowed.
   */
  static final RateLimit DEFAULT_RATE_LIMIT = new RateLimit(3, Duration.ofSeconds(1));

  SlackSettings {
    requireNonNull(botToken, "botToken is null");
    requireNonNull(apiUrl, "apiUrl is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(rateLimit, "rateLimit is null");
    requireNonNull(callTimeout, "callTimeout is null");
    if (mode == Mode.SOCKET && appToken == null) {
      throw new IllegalArgumentException("Socket Mode needs an app token");
    }
    if (mode == Mode.EVENTS && signingSecret == null) {
      throw new IllegalArgumentException("the Events API needs a signing secret");
    }
  }

  /** Reads and checks the settings; every problem is a {@link ConfigException} naming its key. */
  static SlackSettings from(Settings settings) {
    String section = settings.section();
    String botToken =
        settings
            .get("botToken", BOT_TOKEN_ENV)
            .map(String::trim)
            .orElseThrow(
                () ->
                    new ConfigException(
                        section
                            + ".botToken is required: set it (or "
                            + BOT_TOKEN_ENV
                            + ") to the app's Bot User OAuth Token (xoxb-…), found under"
                            + " OAuth & Permissions after installing the app"));
    String signingSecret =
        settings.get("signingSecret", SIGNING_SECRET_ENV).map(String::trim).orElse(null);
    String appToken = settings.get("appToken", APP_TOKEN_ENV).map(String::trim).orElse(null);
    URI apiUrl =
        settings.get("apiUrl", API_URL_ENV).map(url -> apiUrl(section, url)).orElse(DEFAULT_API_URL);
    Mode mode = mode(section, settings.get("mode"), appToken);
    if (mode == Mode.SOCKET && appToken == null) {
      throw new ConfigException(
          section
              + ".mode is socket but there is no app token: set "
              + section
              + ".appToken (or "
              + APP_TOKEN_ENV
              + ") to an app-level token (xapp-…) with the connections:write scope, or use"
              + " mode: events");
    }
    if (mode == Mode.EVENTS && signingSecret == null) {
      throw new ConfigException(
          section
              + ".signingSecret is required for the Events API (mode: events): set it (or "
              + SIGNING_SECRET_ENV
              + ") to the Signing Secret under Basic Information of the Slack app; without it"
              + " anyone could post events. Or set "
              + section
              + ".appToken to use Socket Mode instead");
    }
    long maxFileBytes = settings.getLong("maxFileBytes", DEFAULT_MAX_FILE_BYTES);
    if (maxFileBytes < 0) {
      throw new ConfigException(section + ".maxFileBytes must be 0 or more, e.g. 20971520");
    }
    Duration callTimeout = settings.getDuration("callTimeout", Duration.ofSeconds(30));
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new ConfigException(section + ".callTimeout must be positive, e.g. 30s");
    }
    return new SlackSettings(
        botToken,
        signingSecret,
        appToken,
        apiUrl,
        mode,
        maxFileBytes,
        rateLimit(settings),
        callTimeout);
  }

  private static Mode mode(String section, Optional<String> configured, String appToken) {
    if (configured.isEmpty()) {
      return appToken != null ? Mode.SOCKET : Mode.EVENTS;
    }
    return switch (configured.get().trim().toLowerCase(Locale.ROOT)) {
      case "socket" -> Mode.SOCKET;
      case "events" -> Mode.EVENTS;
      default ->
          throw new ConfigException(
              section + ".mode must be socket or events, was '" + configured.get() + "'");
    };
  }

  private static URI apiUrl(String section, String text) {
    String fix =
        section
            + ".apiUrl (or "
            + API_URL_ENV
            + ") must be an absolute http:// or https:// URL such as https://slack.com/api/";
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(fix + "; it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new ConfigException(fix);
    }
    String withSlash = uri.toString().endsWith("/") ? uri.toString() : uri + "/";
    return URI.create(withSlash);
  }

  private static RateLimit rateLimit(Settings settings) {
    String section = settings.section();
    Optional<String> burst = settings.get("rateLimit.burst");
    Optional<String> interval = settings.get("rateLimit.interval");
    if (burst.isEmpty() && interval.isEmpty()) {
      return DEFAULT_RATE_LIMIT;
    }
    int burstValue = settings.getInt("rateLimit.burst", DEFAULT_RATE_LIMIT.burst());
    Duration intervalValue =
        settings.getDuration("rateLimit.interval", DEFAULT_RATE_LIMIT.interval());
    if (burstValue < 1) {
      throw new ConfigException(section + ".rateLimit.burst must be at least 1, e.g. 3");
    }
    if (intervalValue.isNegative() || intervalValue.isZero()) {
      throw new ConfigException(section + ".rateLimit.interval must be positive, e.g. 1s");
    }
    return new RateLimit(burstValue, intervalValue);
  }

  // Records print every component; tokens and the signing secret must never reach a log.
  @Override
  public String toString() {
    return "SlackSettings[botToken=****, signingSecret="
        + (signingSecret == null ? "none" : "****")
        + ", appToken="
        + (appToken == null ? "none" : "****")
        + ", apiUrl="
        + apiUrl.getScheme()
        + "://"
        + apiUrl.getHost()
        + (apiUrl.getPort() < 0 ? "" : ":" + apiUrl.getPort())
        + apiUrl.getPath()
        + ", mode="
        + mode.name().toLowerCase(Locale.ROOT)
        + ", maxFileBytes="
        + maxFileBytes
        + ", rateLimit="
        + rateLimit
        + ", callTimeout="
        + callTimeout
        + "]";
  }
}
