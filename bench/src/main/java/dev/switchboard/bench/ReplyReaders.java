package dev.switchboard.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One long-poll reader per chat, each on its own virtual thread: {@code GET
 * .../chats/<chat>/messages?after=<cursor>&wait=25} in a loop, handing every reply to the
 * tracker with the time it was received. Readers stop when closed or at their deadline.
 */
final class ReplyReaders implements AutoCloseable {
  static final int WAIT_SECONDS = 25;
  private static final Duration RETRY_PAUSE = Duration.ofMillis(20);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final LoopbackHttp http = WebhookClient.newHttpClient();
  private final WebhookClient client;
  private final ReplyTracker tracker;
  private final long deadlineNanos;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean stopped;

  ReplyReaders(URI base, String token, ReplyTracker tracker, Duration maxLifetime) {
    this.client = new WebhookClient(http, base, token);
    this.tracker = tracker;
    this.deadlineNanos = System.nanoTime() + maxLifetime.toNanos();
  }

  /** Starts reading {@code chat} from the start of its feed. */
  void start(String chat) {
    threads.add(Thread.ofVirtual().name("reader-" + chat).start(() -> read(chat)));
  }

  /** Polls that failed or were refused (other than 404 before the chat is known). */
  long errors() {
    return errors.get();
  }

  private void read(String chat) {
    String cursor = null;
    while (!stopped && System.nanoTime() - deadlineNanos < 0) {
      try {
        WebhookClient.Page page = client.poll(chat, cursor, WAIT_SECONDS);
        long now = System.nanoTime();
        if (page.status() == 200) {
          page.replies().forEach(reply -> tracker.received(reply, now));
          cursor = page.cursor();
        } else {
          if (page.status() != 404) {
            errors.incrementAndGet();
          }
          Pause.of(RETRY_PAUSE);
        }
      } catch (IOException e) {
        if (stopped) {
          return;
        }
        errors.incrementAndGet();
        try {
          Pause.of(RETRY_PAUSE);
        } catch (InterruptedException stop) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops every reader: their pending long polls are aborted. */
  @Override
  public void close() {
    stopped = true;
    http.close();
    long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
    for (Thread thread : threads) {
      thread.interrupt();
      long left = Math.max(1, deadline - System.nanoTime());
      try {
        thread.join(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
