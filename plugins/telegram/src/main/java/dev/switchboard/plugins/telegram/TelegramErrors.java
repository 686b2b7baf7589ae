package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;

/**
 * Classifies what went wrong talking to the Bot API, once, into the delivery part's terms: 429 is
 * {@link RateLimited} for as long as Telegram's {@code retry_after} says; 5xx, network errors and
 * answers that are not the Bot API's JSON (a proxy's error page) are {@link Transient}; every other
 * refusal ("chat not found", "bot was blocked by the user", "not enough rights", a revoked token)
 * is {@link Permanent}, as sending it again cannot help.
 */
final class TelegramErrors {
  private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d+)");
  private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(3);

  private TelegramErrors() {}

  static DeliveryResult.Failure classify(Exception e) {
    TelegramApiRequestException refused = refusal(e);
    if (refused != null) {
      int code = refused.getErrorCode();
      String description = description(refused);
      if (code == 429) {
        return new RateLimited(retryAfter(refused), "Telegram asks to slow down: " + description);
      }
      if (code >= 500) {
        return new Transient("Telegram failed on its side (" + code + "): " + description);
      }
      ResponseParameters parameters = refused.getParameters();
      if (parameters != null && parameters.getMigrateToChatId() != null) {
        return new Permanent(
            "the group became a supergroup with chat id "
                + parameters.getMigrateToChatId()
                + "; messages must go there now ("
                + description
                + ")");
      }
      return new Permanent("Telegram refused it (" + code + "): " + description);
    }
    if (causedBy(e, TelegramApiValidationException.class)) {
      return new Permanent("not a valid Telegram request: " + e.getMessage());
    }
    if (causedBy(e, IOException.class)) {
      return new Transient("could not reach the Bot API: " + rootMessage(e));
    }
    if (causedBy(e, InterruptedException.class)) {
      return new Transient("interrupted while talking to the Bot API");
    }
    // Includes answers that were not Bot API JSON (a proxy's HTML error page): worth a retry.
    return new Transient("the Bot API call failed: " + rootMessage(e));
  }

  /** Telegram could not parse the MarkdownV2 it was sent. */
  static boolean isFormattingRejected(Exception e) {
    TelegramApiRequestException refused = refusal(e);
    if (refused == null || refused.getErrorCode() != 400) {
      return false;
    }
    String description = description(refused).toLowerCase(Locale.ROOT);
    return description.contains("can't parse entities") || description.contains("can't find end");
  }

  /** An edit that changed nothing: the message already reads that way (e.g. a retried edit). */
  static boolean isNotModified(Exception e) {
    TelegramApiRequestException refused = refusal(e);
    return refused != null
        && refused.getErrorCode() == 400
        && description(refused).toLowerCase(Locale.ROOT).contains("message is not modified");
  }

  /** A refusal from the Bot API itself (it answered with an error code), or null. */
  static TelegramApiRequestException refusal(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TelegramApiRequestException r
          && r.getErrorCode() != null
          && r.getErrorCode() != 0) {
        return r;
      }
    }
    return null;
  }

  private static Duration retryAfter(TelegramApiRequestException refused) {
    ResponseParameters parameters = refused.getParameters();
    if (parameters != null && parameters.getRetryAfter() != null && parameters.getRetryAfter() > 0) {
      return Duration.ofSeconds(parameters.getRetryAfter());
    }
    Matcher matcher = RETRY_AFTER.matcher(description(refused).toLowerCase(Locale.ROOT));
    return matcher.find() ? Duration.ofSeconds(Long.parseLong(matcher.group(1))) : DEFAULT_RETRY_AFTER;
  }

  private static String description(TelegramApiRequestException refused) {
    return refused.getApiResponse() == null ? "no description" : refused.getApiResponse();
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
