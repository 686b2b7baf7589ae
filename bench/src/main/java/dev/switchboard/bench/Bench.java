package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Runs the chosen scenarios in order (round trip, ingest, scale, history, limits), each round-trip
 * rate, each ingest size and the scale scenario on a gateway of its own, started fresh on an empty
 * data folder, so that no step inherits another's backlog (the history scenario starts two in turn
 * on one folder). The idle figures are taken on the run's first gateway, right after
 * its start and before any traffic (on a gateway of their own when nothing else runs).
 */
final class Bench {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  /** The longest the first message of every ingest chat (creating its session) may take. */
  private static final Duration SESSION_CREATION_TIMEOUT = Duration.ofMinutes(5);
  /**
   * The scale scenario's gateway stops agents idle for this long (the default is 30 minutes), so
   * that its idle figures are those of sessions at rest with no agent running.
   */
  static final Duration SCALE_AGENT_IDLE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * The scale scenario's gateway runs this many agents at once: an agent keeps its slot for about
   * two seconds after its reply while others wait, so with the run's 64 slots creating sessions
   * would be bounded by that churn rather than by the work of creating them.
   */
  static final int SCALE_MAX_RUNNING = 256;
  /**
   * The ingest gateways' {@code http.admission.maxBacklog}: ingest measures how fast messages are
   * stored, and in its closed loop the agents fall behind, so the default bound (1,000 unanswered
   * messages) would turn it into a measure of how fast they answer.
   */
  static final int INGEST_MAX_BACKLOG = 1_000_000;
  /**
   * The second ingest series' {@code agents.maxRunning}: one agent at a time answers, so the
   * gateway's two cores go to storing and the figure is the store path's.
   */
  static final int INGEST_STORE_MAX_RUNNING = 1;
  /** The longest the scale scenario's sessions may take to be created and answered. */
  private static final Duration SCALE_CREATION_TIMEOUT = Duration.ofMinutes(20);

  private final BenchOptions options;
  private final Path root;
  private final PrintStream progress;
  private final List<String> javaOptions;
  private final List<Duration> startups = new ArrayList<>();
  private int gateways;
  private IdleScenario.Result idle;
  private final long createdNanos = System.nanoTime();

  Bench(BenchOptions options, Path root, PrintStream progress) {
    this.options = options;
    this.root = root;
    this.progress = progress;
    this.javaOptions = GatewayProcess.javaOptions(System.getenv());
  }

  /** Runs everything in {@code workDir} (created if missing) and returns the figures. */
  BenchResults run(Path workDir) throws InterruptedException {
    GatewayProcess.checkPackaged(root);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir, e);
    }
    Instant started = Instant.now();
    String loadAtStart = MachineInfo.loadAverage();
    MachineInfo machine = MachineInfo.describe(workDir);
    Provenance provenance = Provenance.of(root);
    say("load average at start: " + loadAtStart + "; work folder " + workDir);
    say("gateway JVM options: " + String.join(" ", javaOptions));

    List<RoundTripScenario.Result> echo = new ArrayList<>();
    List<RoundTripScenario.Result> python = new ArrayList<>();
    if (options.runs(BenchOptions.Scenario.ROUNDTRIP)) {
      for (double rate : options.rates()) {
        echo.add(roundTrip(workDir, "echo", "echo: ", echoChats(), rate));
      }
      for (double rate : options.commandRates()) {
        python.add(roundTrip(workDir, "python", "py: ", pythonChats(), rate));
      }
    }
    List<IngestScenario.Result> ingest = new ArrayList<>();
    if (options.runs(BenchOptions.Scenario.INGEST)) {
      for (int maxRunning : List.of(options.maxRunning(), INGEST_STORE_MAX_RUNNING)) {
        for (int chats : options.ingestChats()) {
          ingest.add(ingest(workDir, chats, maxRunning));
        }
      }
    }
    Optional<ScaleScenario.Result> scale = Optional.empty();
    if (options.runs(BenchOptions.Scenario.SCALE)) {
      scale = Optional.of(scale(workDir));
    }
    Optional<HistoryScenario.Result> history = Optional.empty();
    if (options.runs(BenchOptions.Scenario.HISTORY)) {
      history = Optional.of(history(workDir));
    }
    if (options.runs(BenchOptions.Scenario.IDLE) && idle == null) {
      start(workDir, "idle").close(); // start() takes the idle figures
    }
    Optional<MachineLimits.Result> limits = Optional.empty();
    if (options.runs(BenchOptions.Scenario.LIMITS)) {
      limits = Optional.of(limits(workDir));
    }
    String loadAtEnd = MachineInfo.loadAverage();
    say("load average at end: " + loadAtEnd);
    return new BenchResults(
        options, started, Instant.now(), loadAtStart, loadAtEnd, machine, provenance, javaOptions,
        configYaml(), Optional.ofNullable(idle), echo, python, ingest, scale, history, limits,
        List.copyOf(startups));
  }

  /** The gateway configuration every gateway of the run gets. */
  String configYaml() {
    return GatewayConfigFile.yaml(root, options.maxRunning(), pythonChats());
  }

  private List<String> echoChats() {
    return IntStream.range(0, options.chats()).mapToObj(i -> "chat-" + i).toList();
  }

  private List<String> pythonChats() {
    return IntStream.range(0, options.commandChats()).mapToObj(i -> "py-" + i).toList();
  }

  private RoundTripScenario.Result roundTrip(
      Path workDir, String agent, String prefix, List<String> chats, double rate)
      throws InterruptedException {
    String name =
        "roundtrip-" + agent + "-" + BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
    RoundTripScenario.Spec spec =
        new RoundTripScenario.Spec(
            agent, prefix, chats, rate, options.warmup(), options.duration(),
            options.primeTimeout(), options.drainTimeout());
    try (GatewayProcess gateway = start(workDir, name)) {
      RoundTripScenario.Result r = RoundTripScenario.run(gateway, spec);
      say(String.format(Locale.ROOT,
          "round trip %s at %s msg/s over %d chats: sent %d, stored %d, shed %d, no answer %d,"
              + " answered %d; p50 %s p90 %s p99 %s max %s; gateway CPU %s",
          agent, Format.rate(rate), chats.size(), r.measured().sent(), r.measured().acked(),
          r.measured().shed(),
          r.measured().failed() + r.measured().timedOut() + r.measured().unfinished(),
          r.answered(), Format.ms(r.roundTrip(), r.roundTrip().p50Ms()),
          Format.ms(r.roundTrip(), r.roundTrip().p90Ms()),
          Format.ms(r.roundTrip(), r.roundTrip().p99Ms()),
          Format.ms(r.roundTrip(), r.roundTrip().maxMs()),
          Format.percent(r.gatewayCpuPercent())));
      return r;
    }
  }

  private IngestScenario.Result ingest(Path workDir, int chatCount, int maxRunning)
      throws InterruptedException {
    List<String> chats = IntStream.range(0, chatCount).mapToObj(i -> "in-" + i).toList();
    IngestScenario.Spec spec =
        new IngestScenario.Spec(
            chats, options.ingestClients(), options.ingestWarmup(), options.ingestDuration(),
            SESSION_CREATION_TIMEOUT, maxRunning);
    String yaml =
        GatewayConfigFile.yaml(root, maxRunning, null, pythonChats(), INGEST_MAX_BACKLOG);
    try (GatewayProcess gateway =
        startIn(folder(workDir, "ingest-" + chatCount + "-agents-" + maxRunning), yaml)) {
      IngestScenario.Result r = IngestScenario.run(gateway, spec);
      say(String.format(Locale.ROOT,
          "ingest over %d chats, %d clients, agents.maxRunning %d: %s msg/s stored; ack p50 %s p99 %s",
          chatCount, spec.clients(), maxRunning, Format.rate(r.measured().ackedPerSecond()),
          Format.ms(r.measured().ack(), r.measured().ack().p50Ms()),
          Format.ms(r.measured().ack(), r.measured().ack().p99Ms())));
      return r;
    }
  }

  private ScaleScenario.Result scale(Path workDir) throws InterruptedException {
    ScaleScenario.Spec spec =
        new ScaleScenario.Spec(
            options.scaleSessions(), options.scaleClients(), SCALE_CREATION_TIMEOUT,
            SCALE_AGENT_IDLE_TIMEOUT.plusSeconds(60), options.scaleIdle(), options.wakeSamples());
    String yaml =
        GatewayConfigFile.yaml(root, SCALE_MAX_RUNNING, SCALE_AGENT_IDLE_TIMEOUT, pythonChats());
    try (GatewayProcess gateway = startIn(folder(workDir, "scale-" + spec.sessions()), yaml)) {
      ScaleScenario.Result r = ScaleScenario.run(gateway, spec);
      say(String.format(Locale.ROOT,
          "scale: %d sessions created and answered in %s (%s sessions/s, %.1f ms CPU each, RSS %s);"
              + " agents stopped %s later;"
              + " then over %s idle: CPU %.2f %%, RSS %s, %d threads, %d open files;"
              + " cold wake p50 %s max %s",
          spec.sessions(), Format.duration(r.creation()), Format.rate(r.sessionsPerSecond()),
          r.creationCpuMillisPerSession(), Format.mib(r.rssAfterCreationMib()),
          Format.duration(r.agentsStopped()), Format.duration(spec.idle()),
          r.idleCpuPercent(), Format.mib(r.idleRssMib()), r.threads(),
          r.openFiles(), Format.ms(r.wake(), r.wake().p50Ms()), Format.ms(r.wake(), r.wake().maxMs())));
      return r;
    }
  }

  private HistoryScenario.Result history(Path workDir) throws InterruptedException {
    HistoryScenario.Spec spec = new HistoryScenario.Spec(options.historyRows(), options.historySamples());
    Path folder = folder(workDir, "history-" + spec.rows());
    HistoryScenario.Result r =
        HistoryScenario.run(f -> startIn(f, configYaml()), folder, spec);
    say(String.format(Locale.ROOT,
        "history: %s rows written in %s; round trip p50 %s / p99 %s empty, %s / %s with history"
            + " (x%.2f / x%.2f)",
        Format.count(spec.rows()), Format.duration(r.prefill()), Format.ms(r.empty().p50Ms()),
        Format.ms(r.empty().p99Ms()), Format.ms(r.full().p50Ms()), Format.ms(r.full().p99Ms()),
        r.p50Ratio(), r.p99Ratio()));
    return r;
  }

  private MachineLimits.Result limits(Path workDir) throws InterruptedException {
    MachineLimits.Result r =
        MachineLimits.measure(
            options.ingestClients(), options.limitWarmup(), options.limitDuration(),
            workDir.resolve("limits"));
    say(String.format(Locale.ROOT,
        "limits: bare Javalin %s req/s; SQLite commits/s: DELETE+FULL %s, WAL+NORMAL %s,"
            + " WAL+FULL %s",
        Format.rate(r.javalinPerSecond()), Format.rate(r.sqliteDeletePerSecond()),
        Format.rate(r.sqlite().get(SqliteCommitRate.Mode.WAL_NORMAL).perSecond()),
        Format.rate(r.sqlite().get(SqliteCommitRate.Mode.WAL_FULL).perSecond())));
    return r;
  }

  /** Starts a fresh gateway; the first one of the run is left idle first when idle is chosen. */
  private GatewayProcess start(Path workDir, String name) throws InterruptedException {
    return startIn(folder(workDir, name), configYaml());
  }

  /** A new folder for a step of the run, numbered in order. */
  private Path folder(Path workDir, String name) {
    gateways++;
    return workDir.resolve(String.format(Locale.ROOT, "%02d-%s", gateways, name));
  }

  /** Starts a gateway in {@code folder} (its data stays there across starts). */
  private GatewayProcess startIn(Path folder, String configYaml) throws InterruptedException {
    GatewayProcess gateway =
        GatewayProcess.start(root, folder, configYaml, javaOptions, READY_TIMEOUT);
    startups.add(gateway.startup());
    if (idle == null && options.runs(BenchOptions.Scenario.IDLE)) {
      try {
        idle = IdleScenario.run(gateway, options.idle());
      } catch (RuntimeException | InterruptedException e) {
        gateway.close();
        throw e;
      }
      say(String.format(Locale.ROOT,
          "idle: ready in %s, RSS %s at ready, %s after %s idle, CPU %s",
          Format.seconds(idle.startup()), Format.mib(idle.rssAtReadyMib()),
          Format.mib(idle.rssMib()), Format.duration(idle.idle()),
          Format.percent(idle.cpuPercent())));
    }
    return gateway;
  }

  private void say(String line) {
    double seconds = (System.nanoTime() - createdNanos) / 1e9;
    progress.println(String.format(Locale.ROOT, "bench: [%5.1f s] %s", seconds, line));
  }

  /** Deletes a folder and everything in it; what cannot be deleted is left. */
  static void deleteTree(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Left for the system's temporary-file cleanup.
    }
  }
}
