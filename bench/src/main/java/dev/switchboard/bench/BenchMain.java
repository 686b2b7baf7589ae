package dev.switchboard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark driver's entry point ({@code ./switchboard bench}): parses the command line, runs
 * the scenarios against the real gateway process and writes the report. Only wires.
 */
public final class BenchMain {
  private BenchMain() {}

  /** A finished run: its figures and where the report went. */
  record Completed(BenchResults results, Path report) {}

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    try {
      Completed done = execute(options, RepoRoot.find(), System.err);
      System.out.println("bench: report written to " + done.report());
      if (!done.results().everyMessageAnswered()) {
        System.out.println("bench: not every message was answered; see the report");
      }
      System.exit(0);
    } catch (InterruptedException e) {
      System.err.println("bench: interrupted");
      System.exit(130);
    } catch (RuntimeException | IOException e) {
      System.err.println("bench: failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * Runs {@code options} against the gateway packaged under {@code root}, writes the report and
   * returns. The work folder is deleted afterwards unless {@code --keep} or a failure.
   */
  static Completed execute(BenchOptions options, Path root, PrintStream progress)
      throws IOException, InterruptedException {
    Path workDir =
        options.workDir() != null
            ? options.workDir().toAbsolutePath()
            : Files.createTempDirectory("switchboard-bench-");
    BenchResults results;
    try {
      results = new Bench(options, root, progress).run(workDir);
    } catch (RuntimeException | InterruptedException e) {
      progress.println("bench: data and gateway logs kept in " + workDir);
      throw e;
    }
    Path report = reportFile(options, root);
    ReportFiles.write(results, report);
    if (options.keep()) {
      progress.println("bench: data and gateway logs kept in " + workDir);
    } else {
      Bench.deleteTree(workDir);
    }
    return new Completed(results, report);
  }

  /**
   * {@code --out} if given; else docs/benchmarks.md for a full run; else (smoke, or a subset) a
   * new temporary folder, so that docs/benchmarks.md only ever holds a complete run.
   */
  static Path reportFile(BenchOptions options, Path root) {
    if (options.out() != null) {
      return options.out().toAbsolutePath();
    }
    if (!options.smoke() && options.complete()) {
      return root.resolve("docs").resolve("benchmarks.md");
    }
    try {
      return Files.createTempDirectory("switchboard-bench-report-").resolve("benchmarks.md");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder for the report", e);
    }
  }
}
