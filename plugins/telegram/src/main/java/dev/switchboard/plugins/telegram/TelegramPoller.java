package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.interfaces.BackOff;
import org.telegram.telegrambots.longpolling.util.ExponentialBackOff;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Reads updates with getUpdates, one at a time, on one thread of its own, and hands each to the
 * gateway. The offset sent to Telegram (which makes it forget every update below it) moves past an
 * update only after the gateway has stored it and the new offset is on disk: a crash in between
 * re-reads the update, and the gateway's message id check stops it being stored twice.
 *
 * <p>The library's long-polling session is not used for this because it moves its offset when an
 * update is received, before the consumer has handled it; its back-off is used.
 */
final class TelegramPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TelegramPoller.class);
  static final List<String> ALLOWED_UPDATES =
      List.of(
          "message",
          "edited_message",
          "channel_post",
          "edited_channel_post",
          "callback_query",
          "my_chat_member");

  private final TelegramClient client;
  private final TelegramUpdates updates;
  private final OffsetFile offsetFile;
  private final Duration pollTimeout;
  private final Consumer<String> problem;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final BackOff backOff =
      new ExponentialBackOff.Builder()
          .setInitialIntervalMillis(500)
          .setMaxIntervalMillis(30_000)
          // The library's default gives up growing after 15 minutes by waiting 15 minutes.
          .setMaxElapsedTimeMillis(Integer.MAX_VALUE)
          .build();
  private volatile Thread thread;
  private long offset;

  /**
   * @param problem told a short description of a current problem, or null once it is over
   */
  TelegramPoller(
      TelegramClient client,
      TelegramUpdates updates,
      OffsetFile offsetFile,
      Duration pollTimeout,
      Consumer<String> problem) {
    this.client = client;
    this.updates = updates;
    this.offsetFile = offsetFile;
    this.pollTimeout = pollTimeout;
    this.problem = problem;
  }

  void start() throws IOException {
    offset = offsetFile.load();
    backOff.reset();
    thread = Thread.ofPlatform().name("telegram-poller").daemon().start(this::run);
  }

  private void run() {
    while (!closed()) {
      List<Update> batch;
      try {
        batch =
            client.execute(
                GetUpdates.builder()
                    .offset((int) offset)
                    .limit(100)
                    .timeout((int) pollTimeout.toSeconds())
                    .allowedUpdates(ALLOWED_UPDATES)
                    .build());
      } catch (TelegramApiException e) {
        if (closed()) {
          return;
        }
        String reason = TelegramErrors.classify(e).reason();
        problem.accept("polling Telegram failed, retrying: " + reason);
        log.warn("Polling Telegram failed; retrying: {}", reason);
        pause();
        continue;
      }
      backOff.reset();
      problem.accept(null);
      for (Update update : batch) {
        if (update.getUpdateId() < offset) {
          continue;
        }
        try {
          updates.handle(update);
        } catch (RuntimeException e) {
          if (closed()) {
            return;
          }
          // Not stored: the offset stays, so the next poll reads this update again.
          problem.accept("the gateway could not store a Telegram update; retrying");
          if (e instanceof StoreUnavailableException) {
            log.warn("Update {} was not stored ({}); reading it again shortly", update.getUpdateId(), e.getMessage());
          } else {
            log.warn("Update {} was not stored; reading it again shortly", update.getUpdateId(), e);
          }
          pause();
          break;
        }
        offset = update.getUpdateId() + 1L;
        save();
      }
    }
  }

  private void save() {
    try {
      offsetFile.save(offset);
    } catch (IOException e) {
      // The offset is still kept in memory; a crash before the next save re-reads a few updates.
      log.error("Could not save the polling offset {}", offset, e);
      problem.accept("the polling offset could not be saved: " + e.getMessage());
    }
  }

  private void pause() {
    try {
      closing.await(backOff.nextBackOffMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean closed() {
    return closing.getCount() == 0 || Thread.currentThread().isInterrupted();
  }

  /**
   * Stops polling: the poll in flight is cancelled by closing the HTTP client after this, an
   * update being handled is interrupted. Waits for the thread to end.
   */
  @Override
  public void close() {
    closing.countDown();
    Thread running = thread;
    if (running == null || running == Thread.currentThread()) {
      return;
    }
    running.interrupt();
  }

  /** Waits for the poller's thread to end, after the HTTP client has been closed. */
  void awaitStopped(Duration timeout) throws InterruptedException {
    Thread running = thread;
    if (running != null && running != Thread.currentThread()) {
      running.join(timeout);
    }
  }
}
