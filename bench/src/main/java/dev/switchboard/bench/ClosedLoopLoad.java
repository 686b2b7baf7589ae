package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed loop: {@code clients} virtual threads, each posting its next message as soon as the
 * previous one was answered, round-robin over the chats, until a deadline or a message budget.
 */
final class ClosedLoopLoad {
  private static final Duration JOIN_MARGIN = Duration.ofSeconds(40);

  private ClosedLoopLoad() {}

  /** Answers counted by kind, over the wall time from the first post to the last answer. */
  record Result(long acked, long refused, long failed, double seconds, Latencies.Summary ack) {
    double ackedPerSecond() {
      return seconds <= 0 ? 0 : acked / seconds;
    }
  }

  /** Posts until {@code duration} has passed. */
  static Result forDuration(
      WebhookClient client, int clients, List<String> chats, String idPrefix, Duration duration)
      throws InterruptedException {
    return run(client, clients, chats, idPrefix, duration, Long.MAX_VALUE, false);
  }

  /**
   * Posts one message to each chat (at most {@code timeout} long); a message the gateway sheds is
   * posted again after its {@code Retry-After} (see {@link WebhookClient#postUntilTaken}).
   */
  static Result oncePerChat(
      WebhookClient client, int clients, List<String> chats, String idPrefix, Duration timeout)
      throws InterruptedException {
    return run(client, clients, chats, idPrefix, timeout, chats.size(), true);
  }

  private static Result run(
      WebhookClient client,
      int clients,
      List<String> chats,
      String idPrefix,
      Duration duration,
      long budget,
      boolean untilTaken)
      throws InterruptedException {
    Latencies acks = new Latencies();
    AtomicLong next = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>(clients);
    for (int c = 0; c < clients; c++) {
      threads.add(
          Thread.ofVirtual()
              .name("client-" + c)
              .start(
                  () -> {
                    long n;
                    while (System.nanoTime() - deadline < 0
                        && (n = next.getAndIncrement()) < budget) {
                      String chat = chats.get((int) (n % chats.size()));
                      try {
                        String id = idPrefix + n;
                        String text = "bench message " + n;
                        WebhookClient.Ack ack =
                            untilTaken
                                ? client.postUntilTaken(chat, id, text, duration)
                                : client.post(chat, id, text);
                        if (ack.stored()) {
                          acked.incrementAndGet();
                          acks.add(ack.nanos());
                        } else {
                          refused.incrementAndGet();
                        }
                      } catch (IOException e) {
                        failed.incrementAndGet();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                    }
                  }));
    }
    long joinDeadline = deadline + JOIN_MARGIN.toNanos();
    for (Thread thread : threads) {
      thread.join(Duration.ofNanos(Math.max(1, joinDeadline - System.nanoTime())));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(acked.get(), refused.get(), failed.get(), seconds, acks.summary());
  }
}
