package dev.switchboard.delivery;

import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.RateLimit;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The delivery part as the gateway wires it, over a {@link SessionFixture}: one session of agent
 * group {@code ag-1} whose default chat is {@code discord/chan-1}, a scripted {@code discord}
 * channel, the real ingest and scheduler.
 */
final class DeliveryHarness implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(5);

  final SessionFixture fx;
  final ScriptedChannel discord = new ScriptedChannel();
  final FakeChannelDirectory channels = new FakeChannelDirectory().run("discord", discord);
  final List<String> woken = new CopyOnWriteArrayList<>();
  final String session;
  DeliveryScheduler scheduler;
  OutboundIngest ingest;

  DeliveryHarness(Path dataDir) {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
    session = fx.session("ag-1", fx.messagingGroup("discord", "chan-1"));
    fx.routing(session, "discord", "chan-1", null);
    // Rows can be taken in before a scheduler runs (as after a crash); the hint then goes nowhere.
    ingest = new OutboundIngest(fx.central(), fx.files(), Clock.systemUTC(), () -> {});
  }

  /** Small backoffs (20 ms doubling up to 200 ms), no rate limits. */
  static DeliveryPolicy policy(int maxAttempts) {
    return new DeliveryPolicy(maxAttempts, Duration.ofMillis(20), Duration.ofMillis(200), Map.of());
  }

  static DeliveryPolicy policy(int maxAttempts, Duration initialBackoff) {
    return new DeliveryPolicy(maxAttempts, initialBackoff, initialBackoff.multipliedBy(8), Map.of());
  }

  static DeliveryPolicy policy(int maxAttempts, Map<String, RateLimit> rateLimits) {
    return new DeliveryPolicy(maxAttempts, Duration.ofMillis(20), Duration.ofMillis(200), rateLimits);
  }

  /** Starts a new scheduler over the fixture's (current) files, and an ingest that signals it. */
  DeliveryScheduler start(DeliveryPolicy policy) {
    scheduler =
        new DeliveryScheduler(
            fx.central(), fx.files(), channels, policy, Clock.systemUTC(), woken::add);
    ingest = new OutboundIngest(fx.central(), fx.files(), Clock.systemUTC(), scheduler::signal);
    scheduler.start();
    return scheduler;
  }

  void stopScheduler() {
    if (scheduler != null) {
      scheduler.close();
      scheduler = null;
    }
  }

  /** The agent writes rows; the watcher's hint makes the host take them in. */
  void write(Out... rows) {
    fx.outbound(session, rows);
    ingest.ingest(session);
  }

  String status(String messageOutId) {
    return fx.deliveryStatus(session, messageOutId);
  }

  int attempts(String messageOutId) {
    return fx.attempts(session, messageOutId);
  }

  Map<String, Object> delivery(String messageOutId) {
    return fx.delivery(session, messageOutId);
  }

  /**
   * Waits until the deliveries have {@code status}; a delivered one also in the session's {@code
   * delivered} table, where deliveries are copied a moment after they are recorded.
   */
  void awaitStatus(String status, String... messageOutIds) {
    boolean finished = status.equals("delivered");
    Await.await(
        WAIT,
        () -> List.of(messageOutIds).stream().allMatch(id -> status.equals(status(id))
            && (!finished || fx.delivered(session, id).map(r -> status.equals(r.get("status"))).orElse(false))),
        "deliveries " + List.of(messageOutIds) + " become " + status);
  }

  @Override
  public void close() {
    stopScheduler();
    fx.close();
  }
}
