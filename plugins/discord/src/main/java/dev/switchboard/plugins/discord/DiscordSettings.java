package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The settings of the Discord channel, read from its section ({@code channels.discord}).
 *
 * @param token the bot token from the developer portal
 * @param apiUrl the REST base URL including the version, ending in {@code /}
 * @param gatewayUrl the gateway WebSocket URL
 * @param publicKey the application's Ed25519 public key (32 bytes, hex) for the HTTP interactions
 *     endpoint, or null to take interactions over the gateway only
 * @param botMessages whether messages of other bots are taken (the bot's own never are)
 * @param maxAttachmentBytes the largest attachment downloaded; larger ones are named in the text
 * @param catchUpMaxMessages the most messages fetched per chat after a reconnect or restart
 * @param catchUpMaxAge how far back the catch-up looks at most
 * @param messageContent whether to ask for the privileged Message Content intent
 * @param readyTimeout how long {@code start()} waits for the first gateway session
 * @param requestTimeout how long a REST call may go without reading a byte of Discord's answer
 */
record DiscordSettings(
    String token,
    String apiUrl,
    String gatewayUrl,
    String publicKey,
    BotMessages botMessages,
    long maxAttachmentBytes,
    int catchUpMaxMessages,
    Duration catchUpMaxAge,
    boolean messageContent,
    Duration readyTimeout,
    Duration requestTimeout) {

  static final String TOKEN_ENV = "DISCORD_BOT_TOKEN";
  static final String API_URL_ENV = "DISCORD_API_URL";
  static final String GATEWAY_URL_ENV = "DISCORD_GATEWAY_URL";
  static final String PUBLIC_KEY_ENV = "DISCORD_PUBLIC_KEY";
  static final String DEFAULT_API_URL = "https://discord.com/api/v10/";
  static final String DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/";

  /** Which messages written by bots reach the agents. */
  enum BotMessages {
    /** None: the default, so that two bots in one chat cannot talk to each other forever. */
    IGNORE,
    /** Those of other bots; the bot's own messages are always ignored. */
    ALLOW
  }

  DiscordSettings {
    requireNonNull(token, "token is null");
    requireNonNull(apiUrl, "apiUrl is null");
    requireNonNull(gatewayUrl, "gatewayUrl is null");
    requireNonNull(botMessages, "botMessages is null");
    requireNonNull(catchUpMaxAge, "catchUpMaxAge is null");
    requireNonNull(readyTimeout, "readyTimeout is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
  }

  /** Reads and checks the settings; every problem is a {@link ConfigException} naming its key. */
  static DiscordSettings from(Settings settings) {
    String section = settings.section();
    String token =
        settings
            .get("token", TOKEN_ENV)
            .map(String::trim)
            .orElseThrow(
                () ->
                    new ConfigException(
                        section
                            + ".token is required: set it in the config file or in the environment"
                            + " as "
                            + TOKEN_ENV
                            + " (the bot token from the Discord developer portal, Bot page)"));
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new ConfigException(
          section + ".token (or " + TOKEN_ENV + ") must be printable ASCII without spaces");
    }
    String apiUrl =
        withSlash(url(section, "apiUrl", API_URL_ENV, settings, Set.of("http", "https"), DEFAULT_API_URL));
    String gatewayUrl =
        url(section, "gatewayUrl", GATEWAY_URL_ENV, settings, Set.of("ws", "wss"), DEFAULT_GATEWAY_URL);
    String publicKey = settings.get("publicKey", PUBLIC_KEY_ENV).map(String::trim).orElse(null);
    if (publicKey != null && !isHexKey(publicKey)) {
      throw new ConfigException(
          section
              + ".publicKey (or "
              + PUBLIC_KEY_ENV
              + ") must be the application's public key: 64 hex digits from the developer"
              + " portal's General Information page");
    }
    BotMessages botMessages =
        switch (settings.getOrDefault("botMessages", "ignore").trim().toLowerCase(Locale.ROOT)) {
          case "ignore" -> BotMessages.IGNORE;
          case "allow" -> BotMessages.ALLOW;
          default ->
              throw new ConfigException(
                  section + ".botMessages must be 'ignore' or 'allow', was '"
                      + settings.getOrDefault("botMessages", "") + "'");
        };
    long maxAttachmentBytes = settings.getLong("maxAttachmentBytes", 20L * 1024 * 1024);
    if (maxAttachmentBytes < 0) {
      throw new ConfigException(section + ".maxAttachmentBytes must be 0 or more, e.g. 20971520");
    }
    int catchUpMaxMessages = settings.getInt("catchUp.maxMessages", 100);
    if (catchUpMaxMessages < 0 || catchUpMaxMessages > 1000) {
      throw new ConfigException(
          section + ".catchUp.maxMessages must be between 0 (no catch-up) and 1000, e.g. 100");
    }
    Duration catchUpMaxAge = settings.getDuration("catchUp.maxAge", Duration.ofHours(24));
    if (catchUpMaxAge.isNegative() || catchUpMaxAge.isZero()) {
      throw new ConfigException(section + ".catchUp.maxAge must be positive, e.g. 24h");
    }
    Duration readyTimeout = settings.getDuration("readyTimeout", Duration.ofSeconds(30));
    if (readyTimeout.isNegative() || readyTimeout.isZero()) {
      throw new ConfigException(section + ".readyTimeout must be positive, e.g. 30s");
    }
    Duration requestTimeout = settings.getDuration("requestTimeout", Duration.ofSeconds(10));
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ConfigException(section + ".requestTimeout must be positive, e.g. 10s");
    }
    return new DiscordSettings(
        token,
        apiUrl,
        gatewayUrl,
        publicKey,
        botMessages,
        maxAttachmentBytes,
        catchUpMaxMessages,
        catchUpMaxAge,
        settings.getBoolean("messageContent", true),
        readyTimeout,
        requestTimeout);
  }

  private static String url(
      String section,
      String key,
      String environmentVariable,
      Settings settings,
      Set<String> schemes,
      String defaultValue) {
    String text = settings.get(key, environmentVariable).map(String::trim).orElse(defaultValue);
    String fix =
        section + "." + key + " (or " + environmentVariable + ") must be an absolute "
            + String.join(" or ", schemes.stream().sorted().map(s -> s + "://").toList())
            + " URL such as " + defaultValue;
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException(fix + "; it is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme) || uri.getHost() == null) {
      throw new ConfigException(fix);
    }
    return text;
  }

  private static String withSlash(String url) {
    return url.endsWith("/") ? url : url + "/";
  }

  private static boolean isHexKey(String value) {
    if (value.length() != 64) {
      return false;
    }
    try {
      HexFormat.of().parseHex(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // Records print every component; the token must never reach a log.
  @Override
  public String toString() {
    return "DiscordSettings[token=****, apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl
        + ", interactionsEndpoint=" + (publicKey == null ? "off" : "on")
        + ", botMessages=" + botMessages.name().toLowerCase(Locale.ROOT)
        + ", maxAttachmentBytes=" + maxAttachmentBytes
        + ", catchUp.maxMessages=" + catchUpMaxMessages
        + ", catchUp.maxAge=" + catchUpMaxAge
        + ", messageContent=" + messageContent
        + ", requestTimeout=" + requestTimeout + "]";
  }
}
