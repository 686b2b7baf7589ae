package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The route Telegram posts updates to in webhook mode: {@code POST /webhooks/telegram/update}. A
 * request must carry the configured secret in {@code X-Telegram-Bot-Api-Secret-Token} (compared in
 * constant time). The 200 goes back only once the gateway has stored the update; while the store
 * is unavailable the answer is 503, and Telegram sends the update again later.
 */
final class TelegramWebhook {
  static final String PATH = "update";
  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
  private static final Logger log = LoggerFactory.getLogger(TelegramWebhook.class);

  // Never reconfigured after this line, so sharing it between threads is safe.
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final byte[] secret;
  private volatile TelegramUpdates updates; // set once the channel is connected
  private volatile boolean closed;

  TelegramWebhook(String secret) {
    this.secret = secret.getBytes(UTF_8);
  }

  WebhookRoute route() {
    return WebhookRoute.post(PATH, this::handle);
  }

  void open(TelegramUpdates handler) {
    updates = handler;
  }

  void close() {
    closed = true;
  }

  WebhookResponse handle(WebhookRequest request) {
    byte[] given = request.header(SECRET_HEADER).orElse("").getBytes(UTF_8);
    if (!MessageDigest.isEqual(given, secret)) {
      return WebhookResponse.text(401, "the secret token is missing or wrong");
    }
    TelegramUpdates handler = updates;
    if (closed || handler == null) {
      return WebhookResponse.text(503, "the Telegram channel is not running");
    }
    Update update;
    try {
      update = JSON.readValue(request.body(), Update.class);
    } catch (IOException e) {
      return WebhookResponse.text(400, "the body is not a Telegram update");
    }
    if (update == null || update.getUpdateId() == null) {
      return WebhookResponse.text(400, "the body is not a Telegram update");
    }
    try {
      handler.handle(update);
    } catch (StoreUnavailableException e) {
      log.warn("Update {} was not stored; Telegram will send it again", update.getUpdateId());
      return WebhookResponse.text(503, "the update could not be stored; send it again later");
    }
    return WebhookResponse.empty(200);
  }
}
