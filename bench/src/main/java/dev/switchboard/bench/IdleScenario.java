package dev.switchboard.bench;

import java.time.Duration;

/** A gateway left alone right after start: its memory and the CPU it uses doing nothing. */
final class IdleScenario {
  /** Start-up time, RSS when ready and after the idle period, CPU over the idle period. */
  record Result(
      Duration startup, Duration idle, double rssAtReadyMib, double rssMib, double peakRssMib,
      double cpuPercent) {}

  private IdleScenario() {}

  static Result run(GatewayProcess gateway, Duration idle) throws InterruptedException {
    ProcessStats.Sample ready = gateway.sample();
    Pause.of(idle);
    ProcessStats.Sample after = gateway.sample();
    return new Result(
        gateway.startup(), idle, ready.rssMib(), after.rssMib(), after.peakRssMib(),
        after.cpuPercentSince(ready));
  }
}
