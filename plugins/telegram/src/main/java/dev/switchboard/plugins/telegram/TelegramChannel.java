package dev.switchboard.plugins.telegram;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugins.telegram.TelegramInbound.Bot;
import dev.switchboard.plugins.telegram.TelegramInbound.Policy;
import dev.switchboard.plugins.telegram.TelegramSettings.Mode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * A Telegram bot: private chats, groups, supergroups and forum topics. Updates arrive by long
 * polling (the default) or through the gateway's webhook route; both hand each update to the
 * gateway and acknowledge it only once it is stored. Replies go out through the Bot API.
 */
final class TelegramChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(TelegramChannel.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final TelegramSettings settings;
  private final ChannelContext context;
  private final Clock clock;
  private final TelegramWebhook webhook;
  private volatile TelegramHttp http;
  private volatile OkHttpTelegramClient client;
  private volatile TelegramOutbound outbound;
  private volatile TelegramPoller poller;
  private volatile String problem;
  private volatile boolean closed;

  TelegramChannel(TelegramSettings settings, ChannelContext context, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.webhook = settings.mode() == Mode.WEBHOOK ? new TelegramWebhook(settings.webhookSecret()) : null;
  }

  @Override
  public synchronized void start() throws Exception {
    if (closed) {
      throw new IllegalStateException("the Telegram channel was closed");
    }
    http = new TelegramHttp(CONNECT_TIMEOUT, settings.requestTimeout(), settings.pollReadTimeout());
    try {
      connect();
    } catch (Exception e) {
      http.close();
      throw e;
    }
  }

  private void connect() throws Exception {
    client = new OkHttpTelegramClient(http.client(), settings.token(), telegramUrl(settings.apiUrl()));
    Bot bot = identify();
    QuestionStore questions = new QuestionStore(context.dataDir().resolve("questions"));
    outbound = new TelegramOutbound(client, questions);
    TelegramFiles files =
        new TelegramFiles(
            client,
            http.client(),
            settings.apiUrl(),
            settings.token(),
            Files.createDirectories(context.dataDir().resolve("files")),
            settings.maxFileSize());
    TelegramUpdates updates =
        new TelegramUpdates(context, client, files, questions, bot, Policy.of(settings), clock, () -> closed);
    if (settings.mode() == Mode.WEBHOOK) {
      client.execute(
          SetWebhook.builder()
              .url(settings.webhookUrl().toString())
              .secretToken(settings.webhookSecret())
              .allowedUpdates(TelegramPoller.ALLOWED_UPDATES)
              .maxConnections(settings.webhookMaxConnections())
              .build());
      webhook.open(updates);
    } else {
      // Telegram refuses getUpdates while a webhook is set; pending updates are kept.
      client.execute(DeleteWebhook.builder().dropPendingUpdates(false).build());
      poller =
          new TelegramPoller(
              new OkHttpTelegramClient(http.pollingClient(), settings.token(), telegramUrl(settings.apiUrl())),
              updates,
              new OffsetFile(context.dataDir().resolve("offset")),
              settings.pollTimeout(),
              current -> problem = current);
      poller.start();
    }
    log.info("Telegram channel started as @{} with {}", bot.username(), settings);
  }

  /**
   * Asks Telegram who the bot is, which also checks the token. A token Telegram refuses (401; 404
   * is what the Bot API answers to a string that is not a bot token at all) is a settings error:
   * the channel stops with one line saying so instead of being tried again, as no retry can help.
   */
  private Bot identify() throws TelegramApiException {
    User me;
    try {
      me = client.execute(new GetMe());
    } catch (TelegramApiException e) {
      TelegramApiRequestException refused = TelegramErrors.refusal(e);
      if (refused != null && (refused.getErrorCode() == 401 || refused.getErrorCode() == 404)) {
        throw new ConfigException(
            "Telegram refused the bot token ("
                + refused.getErrorCode()
                + " "
                + scrub(refused.getApiResponse())
                + " from "
                + settings.apiUrl()
                + "); check channels.telegram.token or "
                + TelegramSettings.TOKEN_ENV
                + " (the token BotFather gave, \"<digits>:<letters>\")");
      }
      throw new TelegramApiException(
          "could not reach the Bot API at " + settings.apiUrl() + " (" + scrub(TelegramErrors.classify(e).reason()) + ")");
    }
    return new Bot(me.getId(), me.getUserName() == null ? String.valueOf(me.getId()) : me.getUserName());
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    TelegramOutbound current = outbound;
    if (closed || current == null) {
      return new Transient("the Telegram channel is " + (closed ? "shut down" : "not started yet"));
    }
    return switch (current.deliver(message)) {
      case DeliveryResult.Delivered delivered -> delivered;
      case DeliveryResult.Transient failure -> new Transient(scrub(failure.reason()));
      case DeliveryResult.RateLimited failure ->
          new DeliveryResult.RateLimited(failure.retryAfter(), scrub(failure.reason()));
      case DeliveryResult.Permanent failure -> new DeliveryResult.Permanent(scrub(failure.reason()));
    };
  }

  @Override
  public void typing(String platformId, String threadId) {
    OkHttpTelegramClient current = client;
    if (closed || current == null || outbound == null) {
      return;
    }
    try {
      current
          .executeAsync(
              SendChatAction.builder()
                  .chatId(platformId)
                  .action(ActionType.TYPING.toString())
                  .messageThreadId(threadId == null ? null : Integer.valueOf(threadId))
                  .build())
          .exceptionally(
              e -> {
                log.debug("Typing indicator for chat {} failed: {}", platformId, e.toString());
                return false;
              });
    } catch (TelegramApiException | RuntimeException e) {
      log.debug("Typing indicator for chat {} not sent: {}", platformId, e.toString());
    }
  }

  /** Stops taking updates, cancels calls in flight and ends every thread the channel started. */
  @Override
  public void close() {
    closed = true;
    if (webhook != null) {
      webhook.close();
    }
    TelegramPoller currentPoller = poller;
    if (currentPoller != null) {
      currentPoller.close();
    }
    TelegramHttp currentHttp = http;
    if (currentHttp != null) {
      currentHttp.close();
    }
    if (currentPoller != null) {
      try {
        currentPoller.awaitStopped(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.TEXT,
        Capability.MARKDOWN,
        Capability.THREADS,
        Capability.EDIT,
        Capability.REACTION,
        Capability.QUESTION,
        Capability.FILES,
        Capability.TYPING);
  }

  @Override
  public List<WebhookRoute> webhookRoutes() {
    return webhook == null ? List.of() : List.of(webhook.route());
  }

  @Override
  public RateLimit rateLimit() {
    return settings.rateLimit();
  }

  @Override
  public RateLimit groupRateLimit() {
    return settings.groupRateLimit();
  }

  @Override
  public RateLimit channelRateLimit() {
    return settings.channelRateLimit();
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  private String scrub(String text) {
    return text == null ? null : text.replace(settings.token(), "****");
  }

  private static TelegramUrl telegramUrl(URI apiUrl) {
    String scheme = apiUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = apiUrl.getPort() > 0 ? apiUrl.getPort() : scheme.equals("https") ? 443 : 80;
    return new TelegramUrl(scheme, apiUrl.getHost(), port, false);
  }
}
