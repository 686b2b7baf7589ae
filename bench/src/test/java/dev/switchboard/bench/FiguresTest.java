package dev.switchboard.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class FiguresTest {
  @Test
  void percentiles_are_nearest_rank() {
    long[] sorted = new long[100];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }
    assertEquals(50, Latencies.percentile(sorted, 0.50));
    assertEquals(99, Latencies.percentile(sorted, 0.99));
    assertEquals(100, Latencies.percentile(sorted, 1.0));
    assertEquals(7, Latencies.percentile(new long[] {7}, 0.5));
  }

  @Test
  void cpu_time_is_read_after_the_command_name_even_when_it_holds_spaces_and_parentheses() {
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0";
    assertArrayEquals(new long[] {1234, 567}, ProcessStats.cpuTicks(stat));
  }

  @Test
  void the_resident_set_size_is_read_in_kib() {
    String status = "Name:\tjava\nVmHWM:\t  120000 kB\nVmRSS:\t   98304 kB\nThreads:\t30\n";
    assertEquals(98304, ProcessStats.kib(status, "VmRSS:"));
    assertEquals(120000, ProcessStats.kib(status, "VmHWM:"));
  }

  @Test
  void the_latency_chart_is_an_svg_document_with_one_line_per_series() throws Exception {
    String svg =
        CdfChart.render(
            "a < b & c",
            List.of(
                new CdfChart.Series("10 msg/s", new long[] {1_000_000, 2_000_000, 40_000_000}, false),
                new CdfChart.Series("100 msg/s", new long[] {500_000, 3_000_000}, true),
                new CdfChart.Series("none", new long[0], false)));
    Document doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals("svg", doc.getDocumentElement().getTagName());
    assertEquals(2, doc.getElementsByTagName("polyline").getLength());
  }

  @Test
  void a_scenario_named_on_the_command_line_runs_with_the_limits_it_is_compared_with() {
    BenchOptions options = BenchOptions.parse("ingest", "--ingest-chats", "1,10");
    assertEquals(
        java.util.EnumSet.of(BenchOptions.Scenario.INGEST, BenchOptions.Scenario.LIMITS),
        options.scenarios());
    assertEquals(List.of(1, 10), options.ingestChats());
  }

  @Test
  void durations_are_read_in_milliseconds_seconds_or_minutes() {
    BenchOptions options =
        BenchOptions.parse("--warmup", "500ms", "--duration", "2m", "--idle", "1.5");
    assertEquals(java.time.Duration.ofMillis(500), options.warmup());
    assertEquals(java.time.Duration.ofMinutes(2), options.duration());
    assertEquals(java.time.Duration.ofMillis(1500), options.idle());
  }

  @Test
  void an_unknown_option_or_scenario_is_refused_with_its_name() {
    BenchOptions.UsageException option =
        assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--fast"));
    assertEquals("unknown option --fast", option.getMessage());
    assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("everything"));
    assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse("--rates", "0"));
  }

  @Test
  void the_delivered_count_is_read_from_the_metrics_text() {
    String metrics =
        "# TYPE switchboard_delivery_attempts_total counter\n"
            + "switchboard_delivery_attempts_total{outcome=\"delivered\"} 10000\n"
            + "switchboard_delivery_attempts_total{outcome=\"failed\"} 3\n";
    assertEquals(10_000, GatewayProbe.deliveredIn(metrics));
    assertThrows(IllegalStateException.class, () -> GatewayProbe.deliveredIn("# nothing\n"));
  }

  @Test
  void scale_and_history_options_are_parsed_and_run_alone() {
    BenchOptions o =
        BenchOptions.parse(
            "scale", "history", "--scale-sessions", "500", "--scale-clients", "4", "--scale-idle",
            "5s", "--wake-samples", "7", "--history-rows", "2000", "--history-samples", "9");
    assertEquals(
        java.util.EnumSet.of(BenchOptions.Scenario.SCALE, BenchOptions.Scenario.HISTORY),
        o.scenarios());
    assertEquals(500, o.scaleSessions());
    assertEquals(4, o.scaleClients());
    assertEquals(java.time.Duration.ofSeconds(5), o.scaleIdle());
    assertEquals(7, o.wakeSamples());
    assertEquals(2000, o.historyRows());
    assertEquals(9, o.historySamples());
    assertEquals(10_000, BenchOptions.parse().scaleSessions());
    assertEquals(1_000_000, BenchOptions.parse().historyRows());
  }

}
