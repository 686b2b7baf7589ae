package dev.switchboard.plugins.telegram;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of the Telegram channel, read from its section ({@code channels.telegram}).
 *
 * @param token the bot token from BotFather
 * @param apiUrl where the Bot API lives: the public one, a local Bot API server, or a test fake
 * @param mode how updates arrive
 * @param webhookUrl in webhook mode, the public HTTPS URL Telegram posts updates to
 * @param webhookSecret in webhook mode, the secret Telegram sends in every request's header
 * @param webhookMaxConnections in webhook mode, how many requests Telegram may have open at once
 * @param pollTimeout in polling mode, how long one getUpdates call may wait for updates
 * @param botMessages whether messages written by other bots are taken
 * @param editedMessages what an edited message becomes
 * @param maxFileSize the largest file downloaded into the inbox, in bytes
 * @param requestTimeout how long one call to the Bot API may go without reading anything
 * @param rateLimit the default pace of messages to one private chat
 * @param groupRateLimit the default pace of messages to one group, supergroup or channel
 * @param channelRateLimit the pace of all the bot's messages together
 */
record TelegramSettings(
    String token,
    URI apiUrl,
    Mode mode,
    URI webhookUrl,
    String webhookSecret,
    int webhookMaxConnections,
    Duration pollTimeout,
    BotMessages botMessages,
    EditedMessages editedMessages,
    long maxFileSize,
    Duration requestTimeout,
    RateLimit rateLimit,
    RateLimit groupRateLimit,
    RateLimit channelRateLimit) {

  static final String TOKEN_ENV = "TELEGRAM_BOT_TOKEN";
  static final String API_URL_ENV = "TELEGRAM_API_URL";
  static final String WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET";
  static final URI PUBLIC_API = URI.create("https://api.telegram.org");

  /** The Bot API's own cap on files a bot may download through getFile. */
  static final long BOT_API_FILE_LIMIT = 20L * 1024 * 1024;

  /*
   * Telegram's published limits for bots (core.telegram.org/bots/faq, "My bot is hitting limits"):
   * about one message a second in one chat, at most twenty a minute to one group, and about thirty
   * a second in all. A token bucket lets through at most burst + window / interval messages in any
   * window, so each limit is a burst of one: one a second to a private chat; one every three seconds
   * to a group (twenty in any minute, and never two in a second); one every 34 ms in all (thirty in
   * any second).
   */
  static final RateLimit DEFAULT_RATE_LIMIT = new RateLimit(1, Duration.ofSeconds(1));
  static final RateLimit DEFAULT_GROUP_RATE_LIMIT = new RateLimit(1, Duration.ofSeconds(3));
  static final RateLimit DEFAULT_CHANNEL_RATE_LIMIT = new RateLimit(1, Duration.ofMillis(34));

  // Telegram's rules for a webhook secret token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  // A bot token is "<bot id>:<secret>"; checking the shape catches pasting the wrong thing.
  private static final Pattern TOKEN = Pattern.compile("[0-9]+:[A-Za-z0-9_-]+");

  enum Mode {
    POLLING,
    WEBHOOK
  }

  /** Messages written by other bots (never the bot's own, which are always ignored). */
  enum BotMessages {
    IGNORE,
    ACCEPT
  }

  /** What an edited message becomes. */
  enum EditedMessages {
    /** Nothing: the agent keeps the first version. */
    IGNORE,
    /** A new inbound message, marked as an edit, replying to the original. */
    RESUBMIT
  }

  TelegramSettings {
    requireNonNull(token, "token is null");
    requireNonNull(apiUrl, "apiUrl is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(pollTimeout, "pollTimeout is null");
    requireNonNull(botMessages, "botMessages is null");
    requireNonNull(editedMessages, "editedMessages is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
    requireNonNull(rateLimit, "rateLimit is null");
    requireNonNull(groupRateLimit, "groupRateLimit is null");
    requireNonNull(channelRateLimit, "channelRateLimit is null");
    if (mode == Mode.WEBHOOK && (webhookUrl == null || webhookSecret == null)) {
      throw new IllegalArgumentException("webhook mode needs a webhook URL and a secret");
    }
  }

  /** Reads and checks the settings; every problem is a {@link ConfigException} naming its key. */
  static TelegramSettings from(Settings settings) {
    String section = settings.section();
    String token =
        settings
            .get("token", TOKEN_ENV)
            .map(String::trim)
            .orElseThrow(
                () ->
                    new ConfigException(
                        section
                            + ".token is required: set it (or the environment variable "
                            + TOKEN_ENV
                            + ") to the token BotFather gave your bot; the Telegram channel does"
                            + " not start without it"));
    if (!TOKEN.matcher(token).matches()) {
      throw new ConfigException(
          section
              + ".token (or "
              + TOKEN_ENV
              + ") does not look like a bot token, which is '<digits>:<letters>' as BotFather"
              + " prints it");
    }
    URI apiUrl = settings.get("apiUrl", API_URL_ENV).map(u -> apiUrl(section, u)).orElse(PUBLIC_API);
    Mode mode = choice(settings, "mode", Mode.class, Mode.POLLING);
    URI webhookUrl = settings.get("webhook.publicUrl").map(u -> webhookUrl(section, u)).orElse(null);
    String secret = settings.get("webhook.secret", WEBHOOK_SECRET_ENV).map(String::trim).orElse(null);
    if (mode == Mode.WEBHOOK) {
      if (webhookUrl == null) {
        throw new ConfigException(
            section
                + ".webhook.publicUrl is required in webhook mode: the public https:// URL that"
                + " reaches this gateway's /webhooks/telegram/update, e.g."
                + " https://bot.example.com/webhooks/telegram/update");
      }
      if (secret == null) {
        throw new ConfigException(
            section
                + ".webhook.secret (or "
                + WEBHOOK_SECRET_ENV
                + ") is required in webhook mode: 1 to 256 characters of A-Z, a-z, 0-9, _ and -;"
                + " the channel refuses requests without it");
      }
    }
    if (secret != null && !SECRET.matcher(secret).matches()) {
      throw new ConfigException(
          section
              + ".webhook.secret (or "
              + WEBHOOK_SECRET_ENV
              + ") must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -, as Telegram requires");
    }
    int maxConnections = settings.getInt("webhook.maxConnections", 40);
    if (maxConnections < 1 || maxConnections > 100) {
      throw new ConfigException(section + ".webhook.maxConnections must be from 1 to 100");
    }
    Duration pollTimeout = settings.getDuration("polling.timeout", Duration.ofSeconds(50));
    if (pollTimeout.isNegative() || pollTimeout.toSeconds() > 100) {
      throw new ConfigException(
          section + ".polling.timeout must be from 0s to 100s (how long one getUpdates waits)");
    }
    long maxFileSize = settings.getLong("files.maxSize", BOT_API_FILE_LIMIT);
    if (maxFileSize < 0) {
      throw new ConfigException(
          section + ".files.maxSize must be zero (download nothing) or a number of bytes");
    }
    Duration requestTimeout = settings.getDuration("requestTimeout", Duration.ofSeconds(30));
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ConfigException(section + ".requestTimeout must be positive, e.g. 30s");
    }
    return new TelegramSettings(
        token,
        apiUrl,
        mode,
        webhookUrl,
        secret,
        maxConnections,
        pollTimeout,
        choice(settings, "botMessages", BotMessages.class, BotMessages.IGNORE),
        choice(settings, "editedMessages", EditedMessages.class, EditedMessages.IGNORE),
        maxFileSize,
        requestTimeout,
        rateLimit(settings, "rateLimit", DEFAULT_RATE_LIMIT),
        rateLimit(settings, "groupRateLimit", DEFAULT_GROUP_RATE_LIMIT),
        rateLimit(settings, "channelRateLimit", DEFAULT_CHANNEL_RATE_LIMIT));
  }

  /**
   * How long a getUpdates socket may wait for a byte: past the long poll. Only the poller's calls
   * get it; every other call (sends above all) gets {@link #requestTimeout}.
   */
  Duration pollReadTimeout() {
    Duration poll = pollTimeout.plusSeconds(15);
    return poll.compareTo(requestTimeout) > 0 ? poll : requestTimeout;
  }

  private static <E extends Enum<E>> E choice(
      Settings settings, String key, Class<E> type, E defaultValue) {
    Optional<String> value = settings.get(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, value.get().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        allowed.append(allowed.isEmpty() ? "" : " or ").append(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigException(
          settings.section() + "." + key + " must be " + allowed + ", was '" + value.get() + "'");
    }
  }

  // The library builds URLs from a scheme, a host and a port, so a path cannot be honoured.
  private static URI apiUrl(String section, String text) {
    String fix =
        section
            + ".apiUrl (or "
            + API_URL_ENV
            + ") must be an http:// or https:// URL with a host, an optional port and no path,"
            + " such as https://api.telegram.org or http://127.0.0.1:8081";
    URI uri = uri(fix, text);
    String path = uri.getPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getQuery() != null
        || uri.getUserInfo() != null) {
      throw new ConfigException(fix);
    }
    return uri;
  }

  private static URI webhookUrl(String section, String text) {
    String fix =
        section
            + ".webhook.publicUrl must be an absolute http(s) URL such as"
            + " https://bot.example.com/webhooks/telegram/update";
    return uri(fix, text);
  }

  private static URI uri(String fix, String text) {
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

  private static RateLimit rateLimit(Settings settings, String key, RateLimit defaultValue) {
    String section = settings.section();
    Optional<String> burst = settings.get(key + ".burst");
    Optional<String> interval = settings.get(key + ".interval");
    if (burst.isEmpty() && interval.isEmpty()) {
      return defaultValue;
    }
    if (burst.isEmpty() || interval.isEmpty()) {
      throw new ConfigException(
          section + "." + key + ".burst and " + section + "." + key
              + ".interval go together; set both (e.g. burst 1, interval 3s) or neither");
    }
    int burstValue = settings.getInt(key + ".burst", 1);
    Duration intervalValue = settings.getDuration(key + ".interval", Duration.ZERO);
    if (burstValue < 1) {
      throw new ConfigException(section + "." + key + ".burst must be at least 1, e.g. 1");
    }
    if (intervalValue.isNegative() || intervalValue.isZero()) {
      throw new ConfigException(section + "." + key + ".interval must be positive, e.g. 3s");
    }
    return new RateLimit(burstValue, intervalValue);
  }

  // Records print every component; the token and the webhook secret must never reach a log.
  @Override
  public String toString() {
    return "TelegramSettings[token=****, apiUrl="
        + apiUrl
        + ", mode="
        + mode.name().toLowerCase(Locale.ROOT)
        + (mode == Mode.WEBHOOK ? ", webhookUrl=" + webhookUrl + ", webhookSecret=****" : "")
        + ", pollTimeout="
        + pollTimeout
        + ", botMessages="
        + botMessages.name().toLowerCase(Locale.ROOT)
        + ", editedMessages="
        + editedMessages.name().toLowerCase(Locale.ROOT)
        + ", maxFileSize="
        + maxFileSize
        + ", rateLimit="
        + rateLimit
        + ", groupRateLimit="
        + groupRateLimit
        + ", channelRateLimit="
        + channelRateLimit
        + "]";
  }
}
