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
  static final int SCALE_SESSIONS = 10_000;
  static final double SCALE_IDLE_CPU_PERCENT = 2;
  static final double SCALE_IDLE_RSS_MB = 300;
  static final long HISTORY_ROWS = 1_000_000;
  static final double HISTORY_RATIO = 2;
  static final double INGEST_SHARE = 0.5;

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
    checks.addAll(ingest(results));
    checks.addAll(scale(results));
    checks.add(history(results));
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

  /** Idle CPU and RSS of the gateway with {@link #SCALE_SESSIONS} sessions at rest. */
  static List<Check> scale(BenchResults results) {
    String cpuTarget = "idle CPU < 2 % of one core with 10,000 sessions";
    String rssTarget =
        "idle RSS < 300 MB (" + Format.one(SCALE_IDLE_RSS_MB * 1e6 / Format.MIB)
            + " MiB) with 10,000 sessions";
    Optional<ScaleScenario.Result> run =
        results.scale().filter(s -> s.spec().sessions() == SCALE_SESSIONS);
    if (run.isEmpty()) {
      return List.of(
          new Check(cpuTarget, notRun(results.scale().map(s -> s.spec().sessions() + " sessions")),
              Verdict.NOT_MEASURED),
          new Check(rssTarget, notRun(results.scale().map(s -> s.spec().sessions() + " sessions")),
              Verdict.NOT_MEASURED));
    }
    ScaleScenario.Result s = run.get();
    String over = " over " + Format.duration(s.spec().idle()) + " with every agent stopped";
    return List.of(
        new Check(cpuTarget, Format.cpuPrecise(s.idleCpuPercent()) + over,
            verdict(s.idleCpuPercent() < SCALE_IDLE_CPU_PERCENT)),
        new Check(rssTarget, Format.mib(s.idleRssMib()) + " after that idle period",
            verdict(s.idleRssMib() * Format.MIB < SCALE_IDLE_RSS_MB * 1e6)));
  }

  /** A session with {@link #HISTORY_ROWS} rows of history against an empty one. */
  static Check history(BenchResults results) {
    String target = "round trip with 1,000,000 rows of history < 2× an empty session's (p50 and p99)";
    Optional<HistoryScenario.Result> run =
        results.history().filter(h -> h.spec().rows() == HISTORY_ROWS);
    if (run.isEmpty()) {
      return new Check(
          target, notRun(results.history().map(h -> Format.count(h.spec().rows()) + " rows")),
          Verdict.NOT_MEASURED);
    }
    HistoryScenario.Result h = run.get();
    return new Check(
        target,
        "p50 ×" + Format.two(h.p50Ratio()) + " (" + Format.ms(h.full().p50Ms()) + " against "
            + Format.ms(h.empty().p50Ms()) + "), p99 ×" + Format.two(h.p99Ratio()) + " ("
            + Format.ms(h.full().p99Ms()) + " against " + Format.ms(h.empty().p99Ms()) + ")",
        verdict(h.p50Ratio() < HISTORY_RATIO && h.p99Ratio() < HISTORY_RATIO));
  }

  private static String notRun(Optional<String> size) {
    return size.map(s -> "run with " + s + " only").orElse("not run");
  }

  private static Duration slowest(BenchResults results) {
    return results.startups().stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  private static Verdict verdict(boolean pass) {
    return pass ? Verdict.PASS : Verdict.FAIL;
  }

  /**
   * Ingest against the disk's rate of synced commits: judged on the store-path series (one agent
   * at a time), with the series where agents answer as in service shown beside it.
   */
  private static List<Check> ingest(BenchResults results) {
    List<Check> checks = new ArrayList<>();
    Optional<MachineLimits.Result> limits = results.limits();
    for (IngestScenario.Result store : results.ingest()) {
      if (store.spec().maxRunning() != Bench.INGEST_STORE_MAX_RUNNING) {
        continue;
      }
      int chats = store.spec().chatCount();
      String target =
          "ingest ≥ 50 % of the SQLite DELETE+FULL commit rate over " + Format.count(chats)
              + (chats == 1 ? " chat" : " chats") + " (store path)";
      if (limits.isEmpty()) {
        checks.add(new Check(target, "no limit measured", Verdict.NOT_MEASURED));
        continue;
      }
      double limit = limits.get().sqliteDeletePerSecond();
      double rate = store.measured().ackedPerSecond();
      String inService =
          results.ingest().stream()
              .filter(x -> x.spec().chatCount() == chats && x.spec().maxRunning() != Bench.INGEST_STORE_MAX_RUNNING)
              .findFirst()
              .map(
                  x ->
                      "; with agents answering as in service "
                          + Format.rate(x.measured().ackedPerSecond()) + " msg/s, "
                          + Format.ratio(x.measured().ackedPerSecond(), limit))
              .orElse("");
      checks.add(
          new Check(
              target,
              Format.rate(rate) + " msg/s against " + Format.rate(limit) + " commits/s, "
                  + Format.ratio(rate, limit) + inService,
              verdict(rate >= INGEST_SHARE * limit)));
    }
    return checks;
  }
}
