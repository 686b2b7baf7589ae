package dev.switchboard.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open-loop, fixed-rate sender: message {@code i} is due at {@code t0 + i / rate}, and is sent
 * then on a virtual thread of its own, whether or not earlier messages were answered. Latencies
 * are counted from the due time, so a sender that falls behind is never hidden; how far behind it
 * was is reported as the sender lag.
 */
final class OpenLoopSender {
  private final WebhookClient client;
  private final ReplyTracker tracker;

  OpenLoopSender(WebhookClient client, ReplyTracker tracker) {
    this.client = client;
    this.tracker = tracker;
  }

  /**
   * What happened to the messages of one phase: stored ({@code 202}), shed ({@code 503}, and how
   * many of those lacked a {@code Retry-After}), refused with another status, or failed without an
   * answer: no connection made, the connection closed or reset before the answer, or no answer
   * within {@link WebhookClient#POST_TIMEOUT}.
   */
  record Result(
      long sent,
      long acked,
      long shed,
      long shedWithoutRetryAfter,
      long refused,
      long connectFailed,
      long closed,
      long timedOut,
      long unfinished,
      Latencies.Summary ack,
      Latencies.Summary shedAnswer,
      Latencies.Summary lag) {
    /** Posts that got no HTTP answer at all (a connection error of either kind). */
    long failed() {
      return connectFailed + closed;
    }
  }

  /**
   * Sends {@code round(rate * duration)} messages of {@code phase}, round-robin over {@code
   * chats}, with ids {@code idPrefix + i}; returns once every post was answered or {@code
   * completionTimeout} passed after the last one was sent.
   */
  Result run(
      ReplyTracker.Phase phase,
      double rate,
      Duration duration,
      List<String> chats,
      String idPrefix,
      Duration completionTimeout)
      throws InterruptedException {
    long count = Math.round(rate * duration.toNanos() / 1e9);
    double interval = 1e9 / rate;
    Latencies acks = new Latencies();
    Latencies sheds = new Latencies();
    Latencies lags = new Latencies();
    AtomicLong acked = new AtomicLong();
    AtomicLong shed = new AtomicLong();
    AtomicLong shedWithoutRetryAfter = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong connectFailed = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    AtomicLong timedOut = new AtomicLong();
    AtomicLong inFlight = new AtomicLong();
    long t0 = System.nanoTime() + Duration.ofMillis(1).toNanos();
    for (long i = 0; i < count; i++) {
      long due = t0 + (long) (i * interval);
      Pause.until(due);
      lags.add(System.nanoTime() - due);
      String id = idPrefix + i;
      String chat = chats.get((int) (i % chats.size()));
      tracker.expect(id, phase, due);
      inFlight.incrementAndGet();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  WebhookClient.Ack ack = client.post(chat, id, "bench message " + id);
                  if (ack.stored()) {
                    acked.incrementAndGet();
                    acks.add(ack.nanos());
                  } else {
                    if (ack.status() == 503) {
                      shed.incrementAndGet();
                      sheds.add(ack.nanos());
                      if (ack.retryAfter() == null) {
                        shedWithoutRetryAfter.incrementAndGet();
                      }
                    } else {
                      refused.incrementAndGet();
                    }
                    tracker.withdraw(id);
                  }
                } catch (LoopbackHttp.ConnectFailed e) {
                  connectFailed.incrementAndGet();
                  tracker.withdraw(id);
                } catch (SocketTimeoutException e) {
                  // The request was sent; the gateway may still store it after the driver gave up.
                  timedOut.incrementAndGet();
                  tracker.withdraw(id);
                } catch (IOException e) {
                  closed.incrementAndGet();
                  tracker.withdraw(id);
                } catch (InterruptedException e) {
                  closed.incrementAndGet();
                  tracker.withdraw(id);
                  Thread.currentThread().interrupt();
                } finally {
                  inFlight.decrementAndGet();
                }
              });
    }
    Pause.awaitCondition(() -> inFlight.get() == 0, completionTimeout);
    return new Result(
        count, acked.get(), shed.get(), shedWithoutRetryAfter.get(), refused.get(),
        connectFailed.get(), closed.get(), timedOut.get(), inFlight.get(),
        acks.summary(), sheds.summary(), lags.summary());
  }
}
