package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver end to end in {@code --smoke} mode against the real, packaged gateway process. It
 * checks that the run completes, that every message was answered and that the report has its
 * sections; it asserts nothing about timing, which depends on the machine.
 */
class BenchSmokeTest {
  private static final List<String> SECTIONS =
      List.of(
          "# Benchmarks",
          "## Targets",
          "## Machine",
          "## Start-up and memory at rest",
          "## Round trip",
          "### Echo agent (built in)",
          "### Command agent (the Python reference agent, `examples/agents/python/echo_agent.py`)",
          "## Ingest",
          "## Many sessions at rest",
          "## A session with a long history",
          "## Machine limits (reference points)",
          "## How to reproduce");

  @Test
  void a_smoke_run_completes_gets_every_message_answered_and_writes_a_report_with_every_section(
      @TempDir Path folder) throws Exception {
    Path root = RepoRoot.find();
    Path report = folder.resolve("report").resolve("benchmarks.md");
    ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    BenchOptions options =
        BenchOptions.parse(
            "--smoke", "--out", report.toString(), "--work-dir", folder.resolve("work").toString());

    BenchMain.Completed done;
    try (PrintStream progress = new PrintStream(progressBytes, true, UTF_8)) {
      done = BenchMain.execute(options, root, progress);
    }

    BenchResults results = done.results();
    String progress = progressBytes.toString(UTF_8);
    assertEquals(report.toAbsolutePath(), done.report());
    assertFalse(results.echo().isEmpty(), "no echo round trip ran\n" + progress);
    assertFalse(results.python().isEmpty(), "no Python round trip ran\n" + progress);
    for (RoundTripScenario.Result r : results.roundTrips()) {
      assertTrue(r.measured().sent() > 0, r.spec().agent() + " sent nothing");
      assertEquals(r.measured().sent(), r.answered(),
          r.spec().agent() + ": not every sent message was answered\n" + progress);
    }
    assertTrue(results.everyMessageAnswered(), "some message was not answered\n" + progress);
    assertTrue(results.idle().isPresent(), "the idle figures are missing");
    assertFalse(results.ingest().isEmpty(), "no ingest ran");
    assertTrue(results.limits().isPresent(), "the machine limits are missing");
    ScaleScenario.Result scale = results.scale().orElseThrow(() -> new AssertionError("no scale run"));
    assertEquals(options.scaleSessions(), scale.posted().acked(), "first messages stored");
    assertEquals(options.wakeSamples(), scale.wake().count(), "cold wakes answered");
    assertTrue(scale.rssAfterCreationMib() > 0 && scale.idleRssMib() > 0, "no RSS was read");
    assertTrue(scale.openFiles() > 0 && scale.threads() > 0, "no threads or files were counted");
    HistoryScenario.Result history =
        results.history().orElseThrow(() -> new AssertionError("no history run"));
    assertEquals(options.historyRows(), history.files().rows(), "history rows written");
    assertEquals(options.historySamples(), history.empty().count(), "empty session's round trips");
    assertEquals(options.historySamples(), history.full().count(), "full session's round trips");

    String markdown = Files.readString(report, UTF_8);
    List<String> lines = markdown.lines().toList();
    assertAll(
        SECTIONS.stream()
            .map(
                section ->
                    () ->
                        assertTrue(
                            lines.contains(section),
                            "the report has no section " + section + "\n" + markdown)));
    assertTrue(markdown.contains("(" + MarkdownReport.CHART_FILE + ")"), "the chart is not embedded");
    assertTrue(markdown.contains("Smoke run"), "a smoke report does not say so");
    String svg = Files.readString(report.resolveSibling(MarkdownReport.CHART_FILE), UTF_8);
    assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"), "the chart is not an SVG");
  }

  @Test
  void a_smoke_run_without_out_never_writes_the_reports_in_docs() {
    Path root = RepoRoot.find();
    Path report = BenchMain.reportFile(BenchOptions.parse("--smoke"), root);
    assertFalse(report.startsWith(root.resolve("docs")), report + " is in docs/");
  }

  @Test
  void a_run_of_only_some_scenarios_never_writes_the_reports_in_docs() {
    Path root = RepoRoot.find();
    Path report = BenchMain.reportFile(BenchOptions.parse("roundtrip"), root);
    assertFalse(report.startsWith(root.resolve("docs")), report + " is in docs/");
  }

  @Test
  void a_full_run_writes_docs_benchmarks_md() {
    Path root = RepoRoot.find();
    assertEquals(
        root.resolve("docs").resolve("benchmarks.md"),
        BenchMain.reportFile(BenchOptions.parse(), root));
  }
}
