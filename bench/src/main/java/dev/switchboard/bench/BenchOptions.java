package dev.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What to run and how big: parsed from the command line, with full-run or smoke defaults. */
record BenchOptions(
    Set<Scenario> scenarios,
    boolean smoke,
    Path out,
    Path workDir,
    boolean keep,
    List<Double> rates,
    int chats,
    List<Double> commandRates,
    int commandChats,
    Duration warmup,
    Duration duration,
    Duration primeTimeout,
    Duration drainTimeout,
    List<Integer> ingestChats,
    int ingestClients,
    Duration ingestWarmup,
    Duration ingestDuration,
    Duration idle,
    Duration limitWarmup,
    Duration limitDuration,
    int maxRunning,
    int scaleSessions,
    int scaleClients,
    Duration scaleIdle,
    int wakeSamples,
    long historyRows,
    int historySamples) {

  /** The scenarios, by the name given on the command line. */
  enum Scenario {
    IDLE,
    ROUNDTRIP,
    INGEST,
    SCALE,
    HISTORY,
    LIMITS;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String USAGE =
      """
      Usage: ./switchboard bench [idle] [roundtrip] [ingest] [scale] [history] [limits] [options]

      Runs the real gateway (gateway/target/switchboard-gateway.jar) as a separate process, drives
      it over loopback HTTP and writes a report. With no scenario named, runs them all and writes
      docs/benchmarks.md and docs/roundtrip-cdf.svg; otherwise (or with --smoke) the report goes to
      a temporary folder unless --out is given. roundtrip and ingest also run limits, the machine's
      reference points their figures are compared with.

        idle        start-up to ready, then RSS and CPU over an idle period (on the first
                    gateway of the run, before its traffic)
        roundtrip   open-loop fixed-rate round trips: echo agent, then the Python command agent
        ingest      closed-loop posting as fast as acknowledged, over several chat counts
        scale       many sessions (one message and reply each), then the idle gateway's CPU
                    and memory, then how long a cold session takes to answer
        history     round trips of a session with a long history (rows written straight into
                    its tables) against an empty session's, one message at a time
        limits      a bare Javalin endpoint, and SQLite commit rates on the same disk

      Options (full-run defaults in brackets):
        --smoke                    tiny sizes, about half a minute; never writes docs/
        --out FILE                 where the Markdown report goes (the SVG goes beside it)
        --work-dir DIR             where gateways keep their data [a new temporary folder]
        --keep                     keep the work folder (data and gateway logs) afterwards
        --rates LIST               echo round-trip rates, msg/s [10,100,1000]
        --chats N                  echo round-trip chats [50]
        --command-rates LIST       Python-agent round-trip rates, msg/s, or none [10,100]
        --command-chats N          Python-agent round-trip chats [10]
        --warmup DURATION          round-trip warm-up at the same rate [10s]
        --duration DURATION        measured round-trip phase per rate [20s]
        --drain DURATION           longest wait for the last replies [15s]
        --ingest-chats LIST        ingest chat counts [1,100,1000]
        --ingest-clients N         concurrent closed-loop clients [16]
        --ingest-warmup DURATION   [2s]
        --ingest-duration DURATION [10s]
        --idle DURATION            idle period [10s]
        --limit-duration DURATION  each reference measurement [5s]
        --max-running N            agents.maxRunning of the gateway [64]
        --scale-sessions N         sessions the scale scenario creates [10000]
        --scale-clients N          its first messages in flight at once [32]
        --scale-idle DURATION      its idle period, once every agent has stopped [30s]
        --wake-samples N           cold sessions woken after the idle period [10]
        --history-rows N           rows of history in the full session's tables [1000000]
        --history-samples N        round trips per session in the history scenario [100]
      The gateway's JVM options are the launcher's, or SWITCHBOARD_JAVA_OPTS when set.
      Durations: 500ms, 3s, 2m, or seconds.
      """;

  /** Every scenario, at full size. */
  static BenchOptions defaults() {
    return new BenchOptions(
        EnumSet.allOf(Scenario.class), false, null, null, false,
        List.of(10.0, 100.0, 1000.0), 50, List.of(10.0, 100.0), 10,
        Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(15),
        List.of(1, 100, 1000), 16, Duration.ofSeconds(2), Duration.ofSeconds(10),
        Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), 64,
        10_000, 32, Duration.ofSeconds(30), 10, 1_000_000, 100);
  }

  /** Every scenario, at sizes that take about half a minute. */
  static BenchOptions smokeDefaults() {
    return new BenchOptions(
        EnumSet.allOf(Scenario.class), true, null, null, false,
        List.of(20.0), 4, List.of(5.0), 2,
        Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(15),
        List.of(10), 4, Duration.ZERO, Duration.ofMillis(500),
        Duration.ofMillis(500), Duration.ofMillis(250), Duration.ofMillis(250), 16,
        50, 8, Duration.ofSeconds(1), 3, 10_000, 10);
  }

  /** Whether every scenario runs (only such a run may write docs/benchmarks.md by default). */
  boolean complete() {
    return scenarios.containsAll(EnumSet.allOf(Scenario.class));
  }

  boolean runs(Scenario scenario) {
    return scenarios.contains(scenario);
  }

  /** Thrown for a command line that cannot be understood; the message says why. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static BenchOptions parse(String... args) {
    List<String> list = Arrays.asList(args);
    Parser p = new Parser(list.contains("--smoke") ? smokeDefaults() : defaults());
    return p.parse(list);
  }

  /** Applies the arguments one by one to a copy of the defaults. */
  private static final class Parser {
    private final BenchOptions base;
    private final EnumSet<Scenario> named = EnumSet.noneOf(Scenario.class);
    private Path out;
    private Path workDir;
    private boolean keep;
    private List<Double> rates;
    private int chats;
    private List<Double> commandRates;
    private int commandChats;
    private Duration warmup;
    private Duration duration;
    private Duration drain;
    private List<Integer> ingestChats;
    private int ingestClients;
    private Duration ingestWarmup;
    private Duration ingestDuration;
    private Duration idle;
    private Duration limitDuration;
    private int maxRunning;
    private int scaleSessions;
    private int scaleClients;
    private Duration scaleIdle;
    private int wakeSamples;
    private long historyRows;
    private int historySamples;

    Parser(BenchOptions base) {
      this.base = base;
      rates = base.rates();
      chats = base.chats();
      commandRates = base.commandRates();
      commandChats = base.commandChats();
      warmup = base.warmup();
      duration = base.duration();
      drain = base.drainTimeout();
      ingestChats = base.ingestChats();
      ingestClients = base.ingestClients();
      ingestWarmup = base.ingestWarmup();
      ingestDuration = base.ingestDuration();
      idle = base.idle();
      limitDuration = base.limitDuration();
      maxRunning = base.maxRunning();
      scaleSessions = base.scaleSessions();
      scaleClients = base.scaleClients();
      scaleIdle = base.scaleIdle();
      wakeSamples = base.wakeSamples();
      historyRows = base.historyRows();
      historySamples = base.historySamples();
    }

    BenchOptions parse(List<String> args) {
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (!arg.startsWith("--")) {
          named.add(scenario(arg));
          continue;
        }
        switch (arg) {
          case "--smoke" -> { }
          case "--keep" -> keep = true;
          case "--out" -> out = Path.of(value(args, ++i, arg));
          case "--work-dir" -> workDir = Path.of(value(args, ++i, arg));
          case "--rates" -> rates = rates(value(args, ++i, arg), arg, false);
          case "--chats" -> chats = positive(value(args, ++i, arg), arg);
          case "--command-rates" -> commandRates = rates(value(args, ++i, arg), arg, true);
          case "--command-chats" -> commandChats = positive(value(args, ++i, arg), arg);
          case "--warmup" -> warmup = duration(value(args, ++i, arg), arg);
          case "--duration" -> duration = positiveDuration(value(args, ++i, arg), arg);
          case "--drain" -> drain = duration(value(args, ++i, arg), arg);
          case "--ingest-chats" -> ingestChats = counts(value(args, ++i, arg), arg);
          case "--ingest-clients" -> ingestClients = positive(value(args, ++i, arg), arg);
          case "--ingest-warmup" -> ingestWarmup = duration(value(args, ++i, arg), arg);
          case "--ingest-duration" -> ingestDuration = positiveDuration(value(args, ++i, arg), arg);
          case "--idle" -> idle = positiveDuration(value(args, ++i, arg), arg);
          case "--limit-duration" -> limitDuration = positiveDuration(value(args, ++i, arg), arg);
          case "--max-running" -> maxRunning = positive(value(args, ++i, arg), arg);
          case "--scale-sessions" -> scaleSessions = positive(value(args, ++i, arg), arg);
          case "--scale-clients" -> scaleClients = positive(value(args, ++i, arg), arg);
          case "--scale-idle" -> scaleIdle = positiveDuration(value(args, ++i, arg), arg);
          case "--wake-samples" -> wakeSamples = positive(value(args, ++i, arg), arg);
          case "--history-rows" -> historyRows = positive(value(args, ++i, arg), arg);
          case "--history-samples" -> historySamples = positive(value(args, ++i, arg), arg);
          default -> throw new UsageException("unknown option " + arg);
        }
      }
      EnumSet<Scenario> scenarios = named.isEmpty() ? EnumSet.allOf(Scenario.class) : named;
      if (scenarios.contains(Scenario.ROUNDTRIP) || scenarios.contains(Scenario.INGEST)) {
        scenarios.add(Scenario.LIMITS);
      }
      return new BenchOptions(
          scenarios, base.smoke(), out, workDir, keep, rates, chats, commandRates, commandChats,
          warmup, duration, base.primeTimeout(), drain, ingestChats, ingestClients, ingestWarmup,
          ingestDuration, idle, base.limitWarmup(), limitDuration, maxRunning, scaleSessions,
          scaleClients, scaleIdle, wakeSamples, historyRows, historySamples);
    }

    private static Scenario scenario(String name) {
      for (Scenario s : Scenario.values()) {
        if (s.label().equals(name)) {
          return s;
        }
      }
      throw new UsageException(
          "unknown scenario " + name + " (idle, roundtrip, ingest, scale, history or limits)");
    }

    private static String value(List<String> args, int i, String option) {
      if (i >= args.size()) {
        throw new UsageException(option + " needs a value");
      }
      return args.get(i);
    }

    private static int positive(String text, String option) {
      try {
        int n = Integer.parseInt(text.trim());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      throw new UsageException(option + " must be a whole number of 1 or more, was " + text);
    }

    private static List<Integer> counts(String text, String option) {
      List<Integer> counts = new ArrayList<>();
      for (String part : text.split(",")) {
        counts.add(positive(part, option));
      }
      return List.copyOf(counts);
    }

    private static List<Double> rates(String text, String option, boolean noneAllowed) {
      if (noneAllowed && text.trim().equalsIgnoreCase("none")) {
        return List.of();
      }
      List<Double> rates = new ArrayList<>();
      for (String part : text.split(",")) {
        try {
          double rate = Double.parseDouble(part.trim());
          if (rate > 0 && rate <= 100_000) {
            rates.add(rate);
            continue;
          }
        } catch (NumberFormatException e) {
          // Reported below.
        }
        throw new UsageException(
            option + " must list rates in msg/s (0 < rate <= 100000), was " + text);
      }
      return List.copyOf(rates);
    }

    private static Duration positiveDuration(String text, String option) {
      Duration d = duration(text, option);
      if (d.isZero()) {
        throw new UsageException(option + " must be longer than zero");
      }
      return d;
    }

    static Duration duration(String text, String option) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.endsWith("ms")) {
          return check(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))), text, option);
        }
        if (t.endsWith("s")) {
          return check(seconds(t.substring(0, t.length() - 1)), text, option);
        }
        if (t.endsWith("m")) {
          return check(seconds(t.substring(0, t.length() - 1)).multipliedBy(60), text, option);
        }
        return check(seconds(t), text, option);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new UsageException(option + " must be a duration like 500ms, 3s or 2m, was " + text);
      }
    }

    private static Duration seconds(String number) {
      return Duration.ofNanos(Math.round(Double.parseDouble(number) * 1e9));
    }

    private static Duration check(Duration d, String text, String option) {
      if (d.isNegative() || d.compareTo(Duration.ofHours(1)) > 0) {
        throw new UsageException(option + " must be between 0 and 1 hour, was " + text);
      }
      return d;
    }
  }
}
