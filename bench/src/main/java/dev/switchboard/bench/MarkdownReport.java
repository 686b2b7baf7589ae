package dev.switchboard.bench;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Writes a run's figures as the Markdown of docs/benchmarks.md. Pure: text in, text out. */
final class MarkdownReport {
  static final String CHART_FILE = "roundtrip-cdf.svg";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd 'at' HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final BenchResults r;
  private final StringBuilder md = new StringBuilder();

  private MarkdownReport(BenchResults results) {
    this.r = results;
  }

  static String render(BenchResults results) {
    return new MarkdownReport(results).build();
  }

  private String build() {
    header();
    targets();
    machine();
    idle();
    roundTrips();
    ingest();
    SessionScenariosReport.append(md, r);
    limits();
    reproduce();
    return md.toString();
  }

  private void header() {
    line("# Benchmarks");
    line();
    line("Measured by `./switchboard bench` on " + WHEN.format(r.started()) + " (the run took "
        + minutes(Duration.between(r.started(), r.finished())) + "). This file and `" + CHART_FILE
        + "` are written by the benchmark driver (`bench/`, `dev.switchboard.bench.BenchMain`);"
        + " rerun it rather than edit them.");
    line();
    if (r.options().smoke()) {
      line("**Smoke run:** tiny sizes, to check that the driver works end to end. These figures"
          + " say nothing about performance.");
      line();
    }
    line("The driver starts the packaged gateway (`gateway/target/switchboard-gateway.jar`) as a"
        + " separate process, with the launcher's JVM options, its own configuration and an empty"
        + " data folder, afresh for every scenario step, and talks to it over loopback HTTP as an"
        + " integrator of the webhook channel would. Driver and gateway share the machine, so the"
        + " driver's CPU use is shown next to the gateway's. Each throughput is shown next to the"
        + " machine's own limit, measured in the same run: a bare Javalin endpoint for HTTP, SQLite"
        + " commits on the same disk for storage.");
    line();
  }

  private void targets() {
    line("## Targets");
    line();
    row("target", "measured", "verdict");
    row("---", "---", "---");
    for (Targets.Check c : Targets.evaluate(r)) {
      String verdict =
          switch (c.verdict()) {
            case PASS -> "**pass**";
            case FAIL -> "**FAIL**";
            case NOT_MEASURED -> "not measured";
          };
      row(c.target(), c.measured(), verdict);
    }
    line();
    if (!r.everyMessageAnswered()) {
      line("**Not every message sent in the round-trip runs was answered** (with a `202` and its"
          + " reply, or a `503` with `Retry-After`); see the tables below.");
      line();
    }
  }

  private void machine() {
    MachineInfo m = r.machine();
    line("## Machine");
    line();
    row("", "");
    row("---", "---");
    row("CPUs (`nproc`)", m.cpus());
    row("CPU", m.cpuModel());
    row("memory", m.memory());
    row("OS", m.os());
    row("JDK (gateway and driver)", m.jdk());
    row("gateway measured", gatewayProvenance());
    row("gateway JVM options", "`" + String.join(" ", r.gatewayJavaOptions()) + "`");
    row(
        "gateway environment",
        "`MALLOC_ARENA_MAX="
            + System.getenv().getOrDefault("MALLOC_ARENA_MAX", GatewayProcess.MALLOC_ARENA_MAX)
            + "` (glibc's malloc arenas, as the launcher sets it)");
    row("driver JVM options", "the JDK's defaults; the bare Javalin reference runs in this JVM");
    row("load average (1, 5, 15 min) at start", r.loadAtStart());
    row("load average (1, 5, 15 min) at end, the run's own load included", r.loadAtEnd());
    line();
    line("Disk of the data folders (`df -hT`):");
    line();
    line("```");
    line(m.disk());
    line("```");
    line();
    line("Every gateway of the run gets this configuration (the scale scenario's with the"
        + " two changes its section names); every other setting has its default (see"
        + " `config/switchboard.example.yaml`).");
    line();
    line("<details><summary>switchboard.yaml of the run</summary>");
    line();
    line("```yaml");
    md.append(r.gatewayConfig());
    line("```");
    line();
    line("</details>");
    line();
  }

  private void idle() {
    line("## Start-up and memory at rest");
    line();
    if (r.startups().isEmpty() && r.idle().isEmpty()) {
      line("Not run.");
      line();
      return;
    }
    row("figure", "value");
    row("---", "---");
    if (!r.startups().isEmpty()) {
      Duration min = r.startups().stream().min(Duration::compareTo).orElseThrow();
      Duration max = r.startups().stream().max(Duration::compareTo).orElseThrow();
      row("start-up to ready (process spawned until `GET /ready` answers 200), first start",
          Format.seconds(r.startups().get(0)));
      row("start-up to ready, median of all " + r.startups().size() + " starts of the run",
          Format.seconds(r.medianStartup().orElseThrow()) + " (" + Format.seconds(min) + " to "
              + Format.seconds(max) + ")");
    }
    r.idle().ifPresent(i -> {
      row("RSS when ready", Format.mib(i.rssAtReadyMib()));
      row("RSS after " + Format.duration(i.idle()) + " idle", Format.mib(i.rssMib()));
      row("peak RSS so far (VmHWM)", Format.mib(i.peakRssMib()));
      row("CPU over those " + Format.duration(i.idle()),
          Format.one(i.cpuPercent()) + " % of one core");
    });
    r.echo().stream()
        .filter(x -> x.spec().rate() == Targets.TARGET_RATE)
        .findFirst()
        .ifPresent(x -> row(
            "RSS under load (end of the round trip at 100 msg/s over " + x.spec().chatCount()
                + " chats, echo agent)",
            Format.mib(x.rssMib()) + " (peak " + Format.mib(x.peakRssMib()) + ")"));
    line();
  }

  private void roundTrips() {
    line("## Round trip");
    line();
    if (r.roundTrips().isEmpty()) {
      line("Not run.");
      line();
      return;
    }
    RoundTripScenario.Spec spec = r.roundTrips().get(0).spec();
    line("- **Open loop.** Message *i* is due at *t0 + i / rate* and is sent then, on a virtual"
        + " thread of its own, whatever happened to the earlier ones (HTTP/1.1 on keep-alive"
        + " connections, through a small blocking client that keeps the driver's own share of the"
        + " two cores low), round robin over the chats, each with a unique id.");
    line("- **Replies.** One long-poll reader per chat (`GET /webhooks/webhook/chats/<chat>/messages"
        + "?after=<cursor>&wait=25`) on a virtual thread; replies are matched to messages by"
        + " `replyTo`.");
    line("- **Round trip** = reply received by the reader − message due. A sender that falls"
        + " behind counts against the figure; *sender lag* (sent − due) shows that it did not."
        + " **Ack** = `POST` until its `202` (stored durably). *Shed (503)* are posts the gateway"
        + " refused at once because it was full (it stores nothing for them); *no answer* are"
        + " posts that got no HTTP answer at all (no connection, a connection closed or reset, or"
        + " no answer within " + Format.duration(WebhookClient.POST_TIMEOUT) + "); the notes"
        + " under the tables break both down.");
    line("- **Phases.** Every rate runs on a fresh gateway. Each chat first gets one message and"
        + " its reply (so every session and agent exists), then " + Format.duration(spec.warmup())
        + " of warm-up at the same rate, then the measured " + Format.duration(spec.duration())
        + "; replies still on their way are awaited for up to "
        + Format.duration(spec.drainTimeout()) + ".");
    line("- **CPU** is in % of one core over the measured phase (user plus system time from"
        + " `/proc/<pid>/stat`; the system part is shown in brackets); *CPU per message* is the"
        + " gateway's CPU time from the start of the measured phase until its replies were in,"
        + " divided by the messages answered. *RSS at end* (`VmRSS`) is read when the last"
        + " message is sent; *peak RSS* is `VmHWM` after the replies were in.");
    line();
    if (!r.echo().isEmpty()) {
      line("### Echo agent (built in)");
      line();
      roundTripTables(r.echo(), false);
    }
    if (!r.python().isEmpty()) {
      line("### Command agent (the Python reference agent, `examples/agents/python/echo_agent.py`)");
      line();
      line("One Python process per chat, started by the `command` provider and woken through its"
          + " standard input.");
      line();
      roundTripTables(r.python(), true);
    }
    line("![Round-trip latency CDF, one line per rate](" + CHART_FILE + ")");
    line();
  }

  private void roundTripTables(List<RoundTripScenario.Result> results, boolean agents) {
    row("rate (msg/s)", "chats", "sent", "stored (202)", "shed (503)", "no answer", "answered",
        "round trip min", "p50", "p90", "p99", "max", "ack p50", "ack p99", "sender lag p99");
    row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:",
        "---:", "---:", "---:", "---:");
    for (RoundTripScenario.Result x : results) {
      Latencies.Summary rt = x.roundTrip();
      Latencies.Summary ack = x.measured().ack();
      OpenLoopSender.Result m = x.measured();
      row(Format.rate(x.spec().rate()), Integer.toString(x.spec().chatCount()),
          Format.count(m.sent()), Format.count(m.acked()), Format.count(m.shed()),
          Format.count(m.failed() + m.timedOut() + m.unfinished()),
          Format.count(x.answered()), Format.ms(rt, rt.minMs()), Format.ms(rt, rt.p50Ms()),
          Format.ms(rt, rt.p90Ms()),
          Format.ms(rt, rt.p99Ms()), Format.ms(rt, rt.maxMs()), Format.ms(ack, ack.p50Ms()),
          Format.ms(ack, ack.p99Ms()), Format.ms(x.measured().lag().p99Ms()));
    }
    line();
    if (agents) {
      row("rate (msg/s)", "gateway CPU", "CPU per message", "driver CPU", "gateway RSS at end",
          "gateway peak RSS", "agent processes' RSS", "rate ÷ bare Javalin rate",
          "rate ÷ SQLite commit rate");
      row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
    } else {
      row("rate (msg/s)", "gateway CPU", "CPU per message", "driver CPU", "gateway RSS at end",
          "gateway peak RSS", "rate ÷ bare Javalin rate", "rate ÷ SQLite commit rate");
      row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
    }
    for (RoundTripScenario.Result x : results) {
      double rate = x.spec().rate();
      String javalin = limit().map(l -> Format.ratio(rate, l.javalinPerSecond())).orElse("n/a");
      String sqlite = limit().map(l -> Format.ratio(rate, l.sqliteDeletePerSecond())).orElse("n/a");
      String cpuPerMessage =
          x.answered() == 0 ? Format.NONE : Format.one(x.cpuMillisPerMessage()) + " ms";
      if (agents) {
        row(Format.rate(rate), Format.cpu(x.gatewayCpuPercent(), x.gatewaySystemPercent()), cpuPerMessage,
            Format.percent(x.driverCpuPercent()), Format.mib(x.rssMib()),
            Format.mib(x.peakRssMib()), Format.mib(x.agentsRssMib()), javalin, sqlite);
      } else {
        row(Format.rate(rate), Format.cpu(x.gatewayCpuPercent(), x.gatewaySystemPercent()), cpuPerMessage,
            Format.percent(x.driverCpuPercent()), Format.mib(x.rssMib()),
            Format.mib(x.peakRssMib()), javalin, sqlite);
      }
    }
    line();
    for (RoundTripScenario.Result x : results) {
      String problems = problems(x);
      if (!problems.isEmpty()) {
        line("- At " + Format.rate(x.spec().rate()) + " msg/s: " + problems + ".");
      }
    }
    line();
  }

  private static String problems(RoundTripScenario.Result x) {
    StringBuilder p = new StringBuilder();
    OpenLoopSender.Result m = x.measured();
    if (m.shed() > 0) {
      String bounds =
          x.shed()
              .map(s -> "; the gateway counted " + Format.count(s.inFlight())
                  + " at its in-flight bound and " + Format.count(s.backlog()) + " at its backlog bound")
              .orElse("");
      append(p, m.shed(), "posts shed with 503 (answered in p50 " + Format.ms(m.shedAnswer().p50Ms())
          + ", p99 " + Format.ms(m.shedAnswer().p99Ms()) + ", max " + Format.ms(m.shedAnswer().maxMs())
          + bounds + "), nothing stored for them");
    }
    append(p, m.shedWithoutRetryAfter(), "of those 503s without Retry-After");
    append(p, m.refused(), "refused with another status (not 202 or 503)");
    append(p, m.timedOut(), "posts timed out (sent, no answer within "
        + Format.duration(WebhookClient.POST_TIMEOUT) + ")");
    append(p, m.connectFailed(), "posts failed to connect (refused, or not accepted within the"
        + " connect timeout)");
    append(p, m.closed(), "posts whose connection was closed or reset before the answer");
    append(p, m.unfinished(), "posts still unanswered when the run ended");
    append(p, x.unanswered(), "stored but never answered within the drain time");
    append(p, x.earlierUnanswered(), "warm-up messages never answered");
    append(p, x.unmatched(), "replies to no outstanding message (duplicates)");
    append(p, x.unexpected(), "replies from an agent other than the one wired");
    append(p, x.readerErrors(), "long polls that failed");
    return p.toString();
  }

  private static void append(StringBuilder p, long n, String what) {
    if (n > 0) {
      p.append(p.isEmpty() ? "" : "; ").append(Format.count(n)).append(' ').append(what);
    }
  }

  private void ingest() {
    line("## Ingest");
    line();
    if (r.ingest().isEmpty()) {
      line("Not run.");
      line();
      return;
    }
    IngestScenario.Spec spec = r.ingest().get(0).spec();
    line("- **Closed loop.** " + spec.clients() + " clients post at once, each its next message as"
        + " soon as the previous one is acknowledged, round robin over the chats, for "
        + Format.duration(spec.duration()) + " after " + Format.duration(spec.warmup())
        + " of warm-up; *stored msg/s* counts `202` answers.");
    line("- Each size runs on a fresh gateway. Every chat first gets one message, so the measured"
        + " phase stores into existing sessions; *first message per chat* is how fast those"
        + " sessions were created (a session is a folder with two SQLite files). The echo agents"
        + " answer in the background meanwhile (at most `agents.maxRunning` at once), as they"
        + " would in service. They fall behind in a closed loop, so these gateways get"
        + " `http.admission.maxBacklog: " + Format.count(Bench.INGEST_MAX_BACKLOG) + "`: with the"
        + " default (1,000 unanswered messages) the gateway would shed posts with `503` and this"
        + " would measure how fast the agents answer rather than how fast messages are stored.");
    line("- **Two series.** With `agents.maxRunning` at the run's setting, the agents answer on"
        + " the same two cores as in service; with `agents.maxRunning: " + Bench.INGEST_STORE_MAX_RUNNING
        + "`, one agent at a time answers, so the cores go to storing and the figure is the store"
        + " path's (HTTP, routing, the synced commit of the session's inbound.db).");
    line();
    row("chats", "agents.maxRunning", "clients", "stored msg/s", "÷ SQLite DELETE+FULL commit rate",
        "÷ bare Javalin rate", "ack p50", "ack p99", "ack max", "not stored", "gateway CPU",
        "driver CPU", "gateway RSS at end", "first message per chat");
    row("---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:",
        "---:", "---:", "---:");
    for (IngestScenario.Result x : r.ingest()) {
      ClosedLoopLoad.Result m = x.measured();
      double rate = m.ackedPerSecond();
      row(Integer.toString(x.spec().chatCount()), Integer.toString(x.spec().maxRunning()),
          Integer.toString(x.spec().clients()),
          Format.rate(rate),
          limit().map(l -> Format.ratio(rate, l.sqliteDeletePerSecond())).orElse("n/a"),
          limit().map(l -> Format.ratio(rate, l.javalinPerSecond())).orElse("n/a"),
          Format.ms(m.ack(), m.ack().p50Ms()), Format.ms(m.ack(), m.ack().p99Ms()),
          Format.ms(m.ack(), m.ack().maxMs()),
          Format.count(m.refused() + m.failed()), Format.cpu(x.gatewayCpuPercent(), x.gatewaySystemPercent()),
          Format.percent(x.driverCpuPercent()), Format.mib(x.rssMib()),
          Format.rate(x.sessionsCreated().ackedPerSecond()) + " chats/s");
    }
    line();
  }

  private void limits() {
    line("## Machine limits (reference points)");
    line();
    Optional<MachineLimits.Result> limits = limit();
    if (limits.isEmpty()) {
      line("Not run; the ratios above read n/a.");
      line();
      return;
    }
    MachineLimits.Result l = limits.get();
    row("reference", "measured", "what it bounds");
    row("---", "---:", "---");
    row("bare Javalin 7 endpoint in the driver's JVM, virtual threads, `202` to the same `POST`; "
            + l.clients()
            + " closed-loop clients, " + Format.duration(l.duration()),
        Format.rate(l.javalinPerSecond()) + " req/s (ack p50 " + Format.ms(l.javalin().ack().p50Ms())
            + ", p99 " + Format.ms(l.javalin().ack().p99Ms()) + ")",
        "HTTP: request rates (same client, same JDK)");
    for (SqliteCommitRate.Result s : l.sqlite().values()) {
      String bounds =
          switch (s.mode()) {
            case DELETE_FULL -> "storage: ingest and message rates (the session files' settings)";
            case DELETE_FULL_REOPEN -> "the same, as the gateway opens session files per unit of work";
            case WAL_NORMAL -> "the central database's settings";
            case WAL_FULL -> "write-ahead log with every commit synced, for comparison";
          };
      row("SQLite, " + s.mode().label + ", one small `INSERT` per `BEGIN IMMEDIATE … COMMIT`, "
              + Format.duration(l.duration()),
          Format.rate(s.perSecond()) + " commits/s", bounds);
    }
    line();
    line("The SQLite file lies in the same folder as the gateways' data folders (same disk).");
    line();
  }

  private void reproduce() {
    line("## How to reproduce");
    line();
    line("```sh");
    line("./switchboard bench");
    line("```");
    line();
    line("It builds what is missing, runs every scenario (about ten minutes) and rewrites this"
        + " file and `" + CHART_FILE + "`. Run it on a quiet machine (1-minute load average well"
        + " below 1, no build running): driver and gateway share the CPUs. `./switchboard bench"
        + " roundtrip` runs one scenario (`idle`, `roundtrip`, `ingest`, `scale`, `history`,"
        + " `limits`) and writes its report to a temporary folder unless `--out` is given;"
        + " `./switchboard bench --smoke` checks the driver in about half a minute;"
        + " `./switchboard bench --help` lists the sizes that can be changed (e.g."
        + " `--scale-sessions`, `--history-rows`). The gateway gets the launcher's JVM options, or"
        + " `SWITCHBOARD_JAVA_OPTS` when it is set (e.g. to add a JFR recording).");
    line();
  }

  private String gatewayProvenance() {
    Provenance p = r.gateway();
    String built = p.jarBuilt() == null ? "" : ", built " + WHEN.format(p.jarBuilt());
    String text = "`gateway/target/switchboard-gateway.jar`" + built + ", commit `" + p.commit() + "`";
    if (p.uncommitted().isEmpty()) {
      return text + ", no uncommitted changes in gateway/, plugins/, plugin-api/";
    }
    List<String> shown = p.uncommitted().subList(0, Math.min(5, p.uncommitted().size()));
    return text + ", with uncommitted changes in " + p.uncommitted().size() + " file(s): `"
        + String.join("`, `", shown) + "`" + (p.uncommitted().size() > shown.size() ? ", …" : "");
  }

  private Optional<MachineLimits.Result> limit() {
    return r.limits();
  }

  private static String minutes(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
  }

  private void row(String... cells) {
    md.append('|');
    for (String cell : cells) {
      md.append(' ').append(cell.replace("|", "\\|")).append(" |");
    }
    md.append('\n');
  }

  private void line(String text) {
    md.append(text).append('\n');
  }

  private void line() {
    md.append('\n');
  }
}
