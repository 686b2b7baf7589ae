package dev.switchboard.faults.agents;

import dev.switchboard.WebhookClient;
import dev.switchboard.WebhookClient.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The replies of one chat as its integrator reads them: long polls from a cursor, keeping every
 * reply seen, so that a chat with thousands of replies is read once, not again on every look.
 * Used from one thread.
 */
final class ChatFeed {
  private final WebhookClient client;
  private final String chat;
  private final List<Reply> replies = new ArrayList<>();
  private String cursor;

  ChatFeed(WebhookClient client, String chat) {
    this.client = client;
    this.chat = chat;
  }

  String chat() {
    return chat;
  }

  /** Every reply read so far, in feed order. */
  List<Reply> replies() {
    return List.copyOf(replies);
  }

  /** Reads what is new, waiting up to {@code waitSeconds} when nothing is. */
  void poll(int waitSeconds) throws IOException, InterruptedException {
    try {
      WebhookClient.Page page = client.fetch(chat, cursor, waitSeconds, 1000);
      replies.addAll(page.messages());
      if (!page.messages().isEmpty()) {
        cursor = page.cursor();
      }
    } catch (WebhookClient.Refused refused) {
      if (refused.status != 404) { // 404: the chat has no replies yet
        throw refused;
      }
    }
  }

  /** The first reply that matches, reading on until {@code timeout}; empty if none came. */
  Optional<Reply> await(Predicate<Reply> wanted, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int looked = 0;
    while (true) {
      for (; looked < replies.size(); looked++) {
        if (wanted.test(replies.get(looked))) {
          return Optional.of(replies.get(looked));
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      poll((int) Math.max(1, Math.min(2, Duration.ofNanos(left).toSeconds())));
    }
  }

  /** The reply that answers the message {@code messageId}, if one comes within {@code timeout}. */
  Optional<Reply> awaitAnswerTo(String messageId, Duration timeout)
      throws IOException, InterruptedException {
    return await(r -> messageId.equals(r.replyTo()), timeout);
  }
}
