package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the Markdown report and, beside it, the latency chart it embeds. */
final class ReportFiles {
  private ReportFiles() {}

  /** Writes {@code markdown} and {@code roundtrip-cdf.svg} in the same folder. */
  static void write(BenchResults results, Path markdown) throws IOException {
    Path folder = markdown.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(MarkdownReport.CHART_FILE), chart(results), UTF_8);
    Files.writeString(markdown, MarkdownReport.render(results), UTF_8);
  }

  static String chart(BenchResults results) {
    List<CdfChart.Series> series = new ArrayList<>();
    for (RoundTripScenario.Result r : results.echo()) {
      series.add(new CdfChart.Series(label("echo agent", r), r.roundTripNanos(), false));
    }
    for (RoundTripScenario.Result r : results.python()) {
      series.add(new CdfChart.Series(label("Python agent", r), r.roundTripNanos(), true));
    }
    return CdfChart.render("Round-trip latency (CDF), " + results.machine().cpus() + " CPUs", series);
  }

  private static String label(String agent, RoundTripScenario.Result r) {
    String head =
        agent + ", " + Format.rate(r.spec().rate()) + " msg/s over " + r.spec().chatCount() + " chats";
    if (r.roundTrip().count() == 0) {
      return head + " (no replies)";
    }
    return head + " (p50 " + Format.ms(r.roundTrip().p50Ms()) + ", p99 "
        + Format.ms(r.roundTrip().p99Ms()) + ")";
  }
}
