package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One message at a time to one chat: the time from starting its {@code POST} until a long poll of
 * the chat's feed returns the reply to it ({@code replyTo} = the message id). The poll is started
 * before the post, so the reply is seen as soon as the gateway appends it.
 */
final class ChatProbe {
  private static final int WAIT_SECONDS = 25;
  private static final Duration UNKNOWN_CHAT_RETRY = Duration.ofMillis(5);

  private final WebhookClient client;
  private final String chat;
  private String cursor;

  ChatProbe(WebhookClient client, String chat) {
    this.client = client;
    this.chat = chat;
  }

  /** Moves past every reply the chat has now, so that only later ones are read. */
  ChatProbe skipExisting() throws IOException, InterruptedException {
    while (true) {
      WebhookClient.Page page = client.poll(chat, cursor, 0);
      if (page.status() != 200) {
        throw new IllegalStateException("the feed of chat " + chat + " answered " + page.status());
      }
      cursor = page.cursor();
      if (page.replies().isEmpty()) {
        return this;
      }
    }
  }

  /**
   * Posts {@code id} and returns the nanoseconds until its reply was read; fails when the post is
   * refused or no reply comes within {@code timeout}.
   */
  long roundTrip(String id, String text, Duration timeout) throws IOException, InterruptedException {
    AtomicLong seenAt = new AtomicLong();
    long deadline = System.nanoTime() + timeout.toNanos();
    String[] next = {cursor};
    Exception[] failure = {null};
    Thread reader =
        Thread.ofVirtual()
            .name("probe-" + chat)
            .start(
                () -> {
                  try {
                    while (seenAt.get() == 0 && System.nanoTime() - deadline < 0) {
                      WebhookClient.Page page = client.poll(chat, next[0], WAIT_SECONDS);
                      long now = System.nanoTime();
                      if (page.status() == 404) {
                        // A new chat is known once its first message is stored.
                        Pause.of(UNKNOWN_CHAT_RETRY);
                        continue;
                      }
                      if (page.status() != 200) {
                        throw new IOException("the feed of chat " + chat + " answered " + page.status());
                      }
                      next[0] = page.cursor();
                      for (WebhookClient.Reply reply : page.replies()) {
                        if (id.equals(reply.replyTo())) {
                          seenAt.set(now);
                        }
                      }
                    }
                  } catch (IOException e) {
                    failure[0] = e;
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    long start = System.nanoTime();
    WebhookClient.Ack ack;
    try {
      ack = client.post(chat, id, text);
    } catch (IOException | InterruptedException e) {
      reader.interrupt();
      throw e;
    }
    if (!ack.stored()) {
      reader.interrupt();
      throw new IllegalStateException("a message to chat " + chat + " was refused: " + ack.status());
    }
    if (!reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())).plusSeconds(WAIT_SECONDS))) {
      reader.interrupt();
    }
    cursor = next[0];
    if (failure[0] != null) {
      throw new IllegalStateException("reading the replies of chat " + chat + " failed", failure[0]);
    }
    if (seenAt.get() == 0) {
      throw new IllegalStateException("no reply to " + id + " in chat " + chat + " within " + timeout);
    }
    return seenAt.get() - start;
  }
}
