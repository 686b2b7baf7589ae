package dev.switchboard.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Everything one run measured, and what it ran on. */
record BenchResults(
    BenchOptions options,
    Instant started,
    Instant finished,
    String loadAtStart,
    String loadAtEnd,
    MachineInfo machine,
    Provenance gateway,
    List<String> gatewayJavaOptions,
    String gatewayConfig,
    Optional<IdleScenario.Result> idle,
    List<RoundTripScenario.Result> echo,
    List<RoundTripScenario.Result> python,
    List<IngestScenario.Result> ingest,
    Optional<ScaleScenario.Result> scale,
    Optional<HistoryScenario.Result> history,
    Optional<MachineLimits.Result> limits,
    List<Duration> startups) {

  /** Every round-trip run, echo first. */
  List<RoundTripScenario.Result> roundTrips() {
    List<RoundTripScenario.Result> all = new ArrayList<>(echo);
    all.addAll(python);
    return all;
  }

  /** Whether every message of every round-trip run was stored and answered exactly once. */
  boolean everyMessageAnswered() {
    return roundTrips().stream().allMatch(RoundTripScenario.Result::everyMessageAnswered);
  }

  /** The median start-up to ready over every gateway start of the run. */
  Optional<Duration> medianStartup() {
    if (startups.isEmpty()) {
      return Optional.empty();
    }
    List<Duration> sorted = startups.stream().sorted().toList();
    return Optional.of(sorted.get((sorted.size() - 1) / 2));
  }
}
