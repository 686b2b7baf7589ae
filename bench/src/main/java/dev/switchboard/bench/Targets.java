package dev.switchboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The project's performance targets, each checked against what a run measured. */
final class Targets {
  static final double TARGET_RATE = 100;
  static final int TARGET_CHATS = 50;
  static final double P50_MS = 20;
  static final double P99_MS = 100;
  static final double IDLE_RSS_MB = 200;
  static final Duration STARTUP = Duration.ofSeconds(3);

  private Targets() {}

  enum Verdict {
    PASS,
    FAIL,
    NOT_MEASURED
  }

  /** A target, the value measured for it, and the verdict. */
  record Check(String target, String measured, Verdict verdict) {}

  static List<Check> evaluate(BenchResults results) {
    List<Check> checks = new ArrayList<>();
    Optional<RoundTripScenario.Result> reference =
        results.echo().stream()
            .filter(r -> r.spec().rate() == TARGET_RATE && r.spec().chatCount() == TARGET_CHATS)
            .findFirst();
    String where = "at 100 msg/s over 50 chats, echo agent";
    if (reference.isPresent()) {
      RoundTripScenario.Result r = reference.get();
      String lost =
          r.unanswered() == 0 ? "" : " (" + Format.count(r.unanswered()) + " never answered)";
      checks.add(
          new Check(
              "round trip p50 < 20 ms " + where,
              Format.ms(r.roundTrip(), r.roundTrip().p50Ms()) + lost,
              verdict(r.roundTrip().p50Ms() < P50_MS && r.unanswered() == 0)));
      checks.add(
          new Check(
              "round trip p99 < 100 ms " + where,
              Format.ms(r.roundTrip(), r.roundTrip().p99Ms()) + lost,
              verdict(r.roundTrip().p99Ms() < P99_MS && r.unanswered() == 0)));
    } else {
      checks.add(new Check("round trip p50 < 20 ms " + where, "not run", Verdict.NOT_MEASURED));
      checks.add(new Check("round trip p99 < 100 ms " + where, "not run", Verdict.NOT_MEASURED));
    }
    String idleTarget = "idle RSS < 200 MB (" + Format.one(IDLE_RSS_MB * 1e6 / Format.MIB) + " MiB)";
    checks.add(
        results
            .idle()
            .map(
                idle ->
                    new Check(
                        idleTarget,
                        Format.mib(idle.rssMib()) + " after " + Format.duration(idle.idle())
                            + " idle",
                        verdict(idle.rssMib() * Format.MIB < IDLE_RSS_MB * 1e6)))
            .orElse(new Check(idleTarget, "not run", Verdict.NOT_MEASURED)));
    checks.add(
        results
            .medianStartup()
            .map(
                median ->
                    new Check(
                        "start-up to ready < 3 s",
                        Format.seconds(median) + " (median of " + results.startups().size()
                            + " starts; slowest " + Format.seconds(slowest(results)) + ")",
                        verdict(median.compareTo(STARTUP) < 0)))
            .orElse(new Check("start-up to ready < 3 s", "not run", Verdict.NOT_MEASURED)));
    return checks;
  }

  private static Duration slowest(BenchResults results) {
    return results.startups().stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  private static Verdict verdict(boolean pass) {
    return pass ? Verdict.PASS : Verdict.FAIL;
  }
}
