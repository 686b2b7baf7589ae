package dev.switchboard.bench;

import java.time.Duration;
import java.util.List;

/**
 * How fast the gateway acknowledges messages (202, stored durably) under a closed loop. Each chat
 * first gets one message, so the measured phase stores into existing sessions; how long creating
 * those sessions took is reported too. The echo agents answer in the background meanwhile, as
 * they would in production.
 */
final class IngestScenario {
  /** The chats, how many clients post at once, and the phases' lengths. */
  /**
   * @param maxRunning the gateway's {@code agents.maxRunning}: the run's default (agents answer as
   *     in service) or {@link Bench#INGEST_STORE_MAX_RUNNING} (the store path nearly alone)
   */
  record Spec(
      List<String> chats, int clients, Duration warmup, Duration duration, Duration primeTimeout,
      int maxRunning) {
    int chatCount() {
      return chats.size();
    }
  }

  /** The measured phase, the session-creation phase, and the gateway's CPU and memory. */
  record Result(
      Spec spec,
      Duration startup,
      ClosedLoopLoad.Result sessionsCreated,
      ClosedLoopLoad.Result measured,
      double gatewayCpuPercent,
      double gatewaySystemPercent,
      double driverCpuPercent,
      double rssMib) {}

  private IngestScenario() {}

  static Result run(GatewayProcess gateway, Spec spec) throws InterruptedException {
    try (LoopbackHttp http = WebhookClient.newHttpClient()) {
      WebhookClient client = new WebhookClient(http, gateway.base(), gateway.token());
      ClosedLoopLoad.Result created =
          ClosedLoopLoad.oncePerChat(client, spec.clients(), spec.chats(), "p-", spec.primeTimeout());
      if (created.acked() < spec.chatCount()) {
        throw new IllegalStateException(
            "only " + created.acked() + " of " + spec.chatCount() + " first messages were stored"
                + "\n" + gateway.logTail(40));
      }
      if (!spec.warmup().isZero()) {
        ClosedLoopLoad.forDuration(client, spec.clients(), spec.chats(), "w-", spec.warmup());
      }
      ProcessStats.Sample gatewayBefore = gateway.sample();
      ProcessStats.Sample driverBefore = ProcessStats.sample(ProcessHandle.current().pid());
      ClosedLoopLoad.Result measured =
          ClosedLoopLoad.forDuration(client, spec.clients(), spec.chats(), "m-", spec.duration());
      ProcessStats.Sample gatewayAfter = gateway.sample();
      ProcessStats.Sample driverAfter = ProcessStats.sample(ProcessHandle.current().pid());
      return new Result(
          spec,
          gateway.startup(),
          created,
          measured,
          gatewayAfter.cpuPercentSince(gatewayBefore),
          gatewayAfter.systemPercentSince(gatewayBefore),
          driverAfter.cpuPercentSince(driverBefore),
          gatewayAfter.rssMib());
    }
  }
}
