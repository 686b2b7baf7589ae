package dev.switchboard.faults.agents;

import dev.switchboard.Await;
import dev.switchboard.WebhookClient;
import dev.switchboard.WebhookClient.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round trips through the well-behaved sessions while the faults run: one thread per chat posts a
 * message, waits for its reply, notes how long it took, and posts the next after a short pause.
 * A message without a reply within {@link #LOST_AFTER} counts as lost; a reply read twice (the
 * same reply id, or a second reply to one message) as repeated.
 */
final class Probes implements AutoCloseable {
  static final Duration LOST_AFTER = Duration.ofSeconds(20);
  private static final Duration PACE = Duration.ofMillis(150);

  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Long> roundTripsNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong repeated = new AtomicLong();

  /** Starts probing {@code chats}, whose agents answer with {@code prefix} + the text. */
  void start(WebhookClient client, List<String> chats) {
    for (String chat : chats) {
      threads.add(Thread.ofPlatform().name("probe-" + chat).start(() -> probe(client, chat)));
    }
  }

  private void probe(WebhookClient client, String chat) {
    ChatFeed feed = new ChatFeed(client, chat);
    Set<String> seenIds = new HashSet<>();
    Set<String> answered = new HashSet<>();
    int read = 0;
    try {
      feed.poll(0);
      read = feed.replies().size();
      for (int n = 0; !stop.get(); n++) {
        String id = "probe-" + chat + "-" + n;
        long began = System.nanoTime();
        WebhookClient.Answer answer = client.post(chat, id, "probe " + n);
        sent.incrementAndGet();
        if (answer.status() != 202) {
          problems.add(id + " answered " + answer.status() + " " + answer.body());
          continue;
        }
        Optional<Reply> reply = feed.awaitAnswerTo(id, LOST_AFTER);
        if (reply.isEmpty()) {
          lost.incrementAndGet();
          problems.add(id + " got no reply within " + LOST_AFTER);
        } else {
          roundTripsNanos.add(System.nanoTime() - began);
        }
        List<Reply> replies = feed.replies();
        for (; read < replies.size(); read++) {
          Reply r = replies.get(read);
          if (!seenIds.add(r.id()) || (r.replyTo() != null && !answered.add(r.replyTo()))) {
            repeated.incrementAndGet();
            problems.add("repeated reply " + r);
          }
        }
        Await.pause(PACE);
      }
    } catch (Exception e) {
      problems.add(chat + ": " + e);
    }
  }

  long sent() {
    return sent.get();
  }

  long lost() {
    return lost.get();
  }

  long repeated() {
    return repeated.get();
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  int roundTrips() {
    return roundTripsNanos.size();
  }

  Duration maxRoundTrip() {
    return Duration.ofNanos(roundTripsNanos.stream().mapToLong(Long::longValue).max().orElse(0));
  }

  Duration percentile(double p) {
    long[] sorted = roundTripsNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]);
  }

  /** Stops posting and waits for every thread's last round trip. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(LOST_AFTER.plusSeconds(10));
    }
  }
}
