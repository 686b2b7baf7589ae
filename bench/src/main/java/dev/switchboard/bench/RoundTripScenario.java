package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round trip through a running gateway: one long-poll reader per chat; every chat first gets one
 * message and its reply (so every session and agent exists before timing starts); then a warm-up
 * and the measured phase at the same fixed rate; then the replies still on their way are awaited.
 */
final class RoundTripScenario {
  private static final Duration POST_COMPLETION = Duration.ofSeconds(30);

  /** What to run: an agent kind, its reply prefix, the rate and chats, and the phases' lengths. */
  record Spec(
      String agent,
      String replyPrefix,
      List<String> chats,
      double rate,
      Duration warmup,
      Duration duration,
      Duration primeTimeout,
      Duration drainTimeout) {
    int chatCount() {
      return chats.size();
    }
  }

  /** The measured phase's figures, plus whether the prime and warm-up messages were answered. */
  record Result(
      Spec spec,
      Duration startup,
      Duration prime,
      OpenLoopSender.Result measured,
      long answered,
      long unanswered,
      long earlierUnanswered,
      long unmatched,
      long unexpected,
      long readerErrors,
      java.util.Optional<GatewayProbe.Shed> shed,
      long[] roundTripNanos,
      Latencies.Summary roundTrip,
      double gatewayCpuPercent,
      double gatewaySystemPercent,
      double cpuMillisPerMessage,
      double driverCpuPercent,
      double rssMib,
      double peakRssMib,
      double agentsRssMib) {
    /**
     * Every post of the run got an HTTP answer, {@code 202} or a {@code 503} with {@code
     * Retry-After} (a gateway past its bound sheds load, and stores nothing for a shed post), and
     * every message stored (prime, warm-up, measured) was answered once.
     */
    boolean everyMessageAnswered() {
      return measured.sent() == measured.acked() + measured.shed()
          && measured.shedWithoutRetryAfter() == 0
          && unanswered == 0
          && earlierUnanswered == 0
          && unmatched == 0
          && unexpected == 0;
    }
  }

  private RoundTripScenario() {}

  static Result run(GatewayProcess gateway, Spec spec) throws InterruptedException {
    ReplyTracker tracker = new ReplyTracker(spec.replyPrefix());
    Duration lifetime =
        spec.primeTimeout().plus(spec.warmup()).plus(spec.duration()).plus(spec.drainTimeout())
            .plus(POST_COMPLETION.multipliedBy(3));
    try (LoopbackHttp http = WebhookClient.newHttpClient();
        ReplyReaders readers = new ReplyReaders(gateway.base(), gateway.token(), tracker, lifetime)) {
      WebhookClient client = new WebhookClient(http, gateway.base(), gateway.token());
      OpenLoopSender sender = new OpenLoopSender(client, tracker);

      long primeStart = System.nanoTime();
      prime(client, readers, tracker, spec);
      if (!Pause.awaitCondition(
          () -> tracker.waiting(ReplyTracker.Phase.PRIME) == 0, spec.primeTimeout())) {
        throw new IllegalStateException(
            tracker.waiting(ReplyTracker.Phase.PRIME) + " of " + spec.chatCount()
                + " first messages (" + spec.agent() + ") got no reply within "
                + spec.primeTimeout() + "\n" + gateway.logTail(40));
      }
      Duration prime = Duration.ofNanos(System.nanoTime() - primeStart);

      if (!spec.warmup().isZero()) {
        sender.run(ReplyTracker.Phase.WARMUP, spec.rate(), spec.warmup(), spec.chats(), "w-",
            POST_COMPLETION);
      }

      GatewayProbe probe = new GatewayProbe(http, gateway.base());
      java.util.Optional<GatewayProbe.Shed> shedBefore = shed(probe);
      ProcessStats.Sample gatewayBefore = gateway.sample();
      ProcessStats.Sample driverBefore = ProcessStats.sample(ProcessHandle.current().pid());
      OpenLoopSender.Result measured =
          sender.run(ReplyTracker.Phase.MEASURE, spec.rate(), spec.duration(), spec.chats(), "m-",
              POST_COMPLETION);
      ProcessStats.Sample gatewayAfter = gateway.sample();
      ProcessStats.Sample driverAfter = ProcessStats.sample(ProcessHandle.current().pid());
      java.util.Optional<GatewayProbe.Shed> shedAfter = shed(probe);
      java.util.Optional<GatewayProbe.Shed> shed =
          shedBefore.isPresent() && shedAfter.isPresent()
              ? java.util.Optional.of(shedAfter.get().minus(shedBefore.get()))
              : java.util.Optional.empty();
      long agentsRss = gateway.agentsRssKib();

      Pause.awaitCondition(() -> tracker.waitingTotal() == 0, spec.drainTimeout());
      ProcessStats.Sample drained = gateway.sample();
      long answered = tracker.answered(ReplyTracker.Phase.MEASURE);
      long[] sorted = tracker.roundTrips().sorted();
      long cpuMillis = drained.cpuMillisSince(gatewayBefore);
      return new Result(
          spec,
          gateway.startup(),
          prime,
          measured,
          answered,
          tracker.waiting(ReplyTracker.Phase.MEASURE),
          tracker.waiting(ReplyTracker.Phase.PRIME) + tracker.waiting(ReplyTracker.Phase.WARMUP),
          tracker.unmatched(),
          tracker.unexpectedText(),
          readers.errors(),
          shed,
          sorted,
          Latencies.Summary.of(sorted),
          gatewayAfter.cpuPercentSince(gatewayBefore),
          gatewayAfter.systemPercentSince(gatewayBefore),
          answered == 0 ? 0 : (double) cpuMillis / answered,
          driverAfter.cpuPercentSince(driverBefore),
          gatewayAfter.rssMib(),
          drained.peakRssMib(),
          agentsRss / 1024.0);
    }
  }

  /** The gateway's shed counts, when it has them and answers. */
  private static java.util.Optional<GatewayProbe.Shed> shed(GatewayProbe probe)
      throws InterruptedException {
    try {
      return probe.shed();
    } catch (IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * One message per chat, all at once; each chat's reader starts once its message is stored. A
   * first message the gateway sheds (50 at once may pass its in-flight bound) is posted again
   * after its {@code Retry-After}: these set the run up, they are not measured.
   */
  private static void prime(
      WebhookClient client, ReplyReaders readers, ReplyTracker tracker, Spec spec)
      throws InterruptedException {
    AtomicLong refused = new AtomicLong();
    List<Thread> posts = new ArrayList<>();
    for (String chat : spec.chats()) {
      String id = "p-" + chat;
      tracker.expect(id, ReplyTracker.Phase.PRIME, System.nanoTime());
      posts.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      if (client.postUntilTaken(chat, id, "hello from the bench", POST_COMPLETION)
                          .stored()) {
                        readers.start(chat);
                        return;
                      }
                    } catch (IOException e) {
                      // Counted below.
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    refused.incrementAndGet();
                    tracker.withdraw(id);
                  }));
    }
    for (Thread post : posts) {
      post.join(POST_COMPLETION);
    }
    if (refused.get() > 0) {
      throw new IllegalStateException(
          refused.get() + " of " + spec.chatCount() + " first messages were not stored");
    }
  }
}
