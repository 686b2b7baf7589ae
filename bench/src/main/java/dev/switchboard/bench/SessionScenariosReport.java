package dev.switchboard.bench;

import java.util.Optional;

/**
 * The report's sections on sessions in number and in depth: many sessions at rest (scale) and one
 * session with a long history (history). Pure: figures in, Markdown out.
 */
final class SessionScenariosReport {
  private final StringBuilder md;

  private SessionScenariosReport(StringBuilder md) {
    this.md = md;
  }

  /** Appends both sections to {@code md}. */
  static void append(StringBuilder md, BenchResults results) {
    SessionScenariosReport report = new SessionScenariosReport(md);
    report.scale(results.scale());
    report.history(results.history());
  }

  private void scale(Optional<ScaleScenario.Result> result) {
    line("## Many sessions at rest");
    line();
    if (result.isEmpty()) {
      line("Not run.");
      line();
      return;
    }
    ScaleScenario.Result s = result.get();
    ScaleScenario.Spec spec = s.spec();
    line("- **Sessions.** " + Format.count(spec.sessions()) + " chats get one message each ("
        + spec.clients() + " posts in flight at once) and the echo agent's reply, so that each has"
        + " its messaging group, session, session folder, inbound.db and outbound.db. *Created* is"
        + " from the first post until the gateway's `/metrics` counts every reply delivered.");
    line("- **At rest.** This gateway alone gets `agents.maxRunning: " + Bench.SCALE_MAX_RUNNING
        + "` (so that agent slots, held for about two seconds after each reply while other"
        + " sessions wait, do not bound the creation) and `agents.idleTimeout: "
        + Format.duration(Bench.SCALE_AGENT_IDLE_TIMEOUT) + "` (instead of 30 minutes), so that"
        + " agents stop soon after their reply; once `/ready`"
        + " reports no agent running or waiting, the gateway is left alone for "
        + Format.duration(spec.idle()) + ": CPU (user plus system, `/proc/<pid>/stat`) over that"
        + " time, then RSS (`VmRSS`), threads and open file descriptors.");
    line("- **Cold wake.** Then " + spec.wakeSamples() + " sessions spread over all of them, the"
        + " oldest first, get one message each, one at a time: from the `POST` until a long poll"
        + " of the chat returns the reply. No agent runs for them, so each wake starts one.");
    line();
    row("figure", "measured", "target", "÷ target");
    row("---", "---:", "---:", "---:");
    row("sessions created, each with its reply",
        Format.count(spec.sessions()) + " in " + Format.seconds(s.creation()) + " ("
            + Format.rate(s.sessionsPerSecond()) + " sessions/s, "
            + Format.one(s.creationCpuMillisPerSession()) + " ms of gateway CPU each)",
        "", "");
    row("RSS when the last reply was delivered", Format.mib(s.rssAfterCreationMib()), "", "");
    row("every agent stopped", Format.seconds(s.agentsStopped()) + " after the last reply", "", "");
    row("CPU over " + Format.duration(spec.idle()) + " at rest",
        Format.cpuPrecise(s.idleCpuPercent()) + " (" + Format.two(s.idleSystemPercent())
            + " % system)",
        "< " + Format.rate(Targets.SCALE_IDLE_CPU_PERCENT) + " %",
        Format.ratio(s.idleCpuPercent(), Targets.SCALE_IDLE_CPU_PERCENT));
    double rssLimitMib = Targets.SCALE_IDLE_RSS_MB * 1e6 / Format.MIB;
    row("RSS after it", Format.mib(s.idleRssMib()),
        "< " + Format.rate(Targets.SCALE_IDLE_RSS_MB) + " MB (" + Format.mib(rssLimitMib) + ")",
        Format.ratio(s.idleRssMib(), rssLimitMib));
    row("peak RSS (VmHWM)", Format.mib(s.peakRssMib()), "", "");
    row("threads, open file descriptors at rest", s.threads() + ", " + s.openFiles(), "", "");
    row("cold wake p50", Format.ms(s.wake(), s.wake().p50Ms()), "", "");
    row("cold wake max (of " + s.wake().count() + ")", Format.ms(s.wake(), s.wake().maxMs()), "", "");
    line();
  }

  private void history(Optional<HistoryScenario.Result> result) {
    line("## A session with a long history");
    line();
    if (result.isEmpty()) {
      line("Not run.");
      line();
      return;
    }
    HistoryScenario.Result h = result.get();
    HistoryPrefill.Result files = h.files();
    line("- **History.** A first gateway creates two sessions (one exchange each) and stops. Then "
        + Format.count(h.spec().rows()) + " finished exchanges are written straight into one of"
        + " them, as the real flow leaves them: `messages_in` (status `completed`) and `delivered`"
        + " in inbound.db, `messages_out` and `processing_ack` in outbound.db, and the delivered"
        + " rows in the central `deliveries`, with the session's outbound watermark past them."
        + " Each row is a copy of the gateway's own row for the first exchange, so columns and"
        + " formats are the migrations' and the gateway's; each file is filled in one transaction"
        + " (" + Format.seconds(h.prefill()) + "; inbound.db " + Format.mib(files.inboundBytes() / Format.MIB)
        + ", outbound.db " + Format.mib(files.outboundBytes() / Format.MIB) + ", central database "
        + Format.mib(files.centralBytes() / Format.MIB) + ").");
    line("- **Round trips.** A second gateway on the same data folder; each session gets one"
        + " warm-up exchange, then " + h.spec().samples() + " messages, one at a time, alternating"
        + " between the two sessions: from the `POST` until a long poll of the chat returns the"
        + " reply.");
    line();
    row("session", "rows of history", "round trips", "p50", "p90", "p99", "max");
    row("---", "---:", "---:", "---:", "---:", "---:", "---:");
    historyRow("empty", 0, h.empty());
    historyRow("with history", h.spec().rows(), h.full());
    row("with history ÷ empty", "", "",
        ratio(h.p50Ratio()), ratio(h.full().p90Ms(), h.empty().p90Ms()), ratio(h.p99Ratio()),
        ratio(h.full().maxMs(), h.empty().maxMs()));
    line();
    line("Target: under " + Format.rate(Targets.HISTORY_RATIO) + "× the empty session's p50 and"
        + " p99.");
    line();
  }

  private void historyRow(String name, long rows, Latencies.Summary s) {
    row(name, Format.count(rows), Integer.toString(s.count()), Format.ms(s, s.p50Ms()),
        Format.ms(s, s.p90Ms()), Format.ms(s, s.p99Ms()), Format.ms(s, s.maxMs()));
  }

  private static String ratio(double value) {
    return "×" + Format.two(value);
  }

  private static String ratio(double value, double base) {
    return base <= 0 ? Format.NONE : ratio(value / base);
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
