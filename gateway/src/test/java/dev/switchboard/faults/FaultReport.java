package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.switchboard.GatewayProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of {@code docs/reliability.md}, kept by the fault suite itself: each scenario, when it
 * has run, puts its row in (replacing the row of its previous run) and the file is written again.
 * A run of some scenarios leaves the rows of the others as they were, so the document always holds
 * the latest figures of every scenario. Rows are kept in the order scenarios first reported.
 */
public final class FaultReport {
  private static final String TABLE_HEADER =
      "| Scenario | Messages | Faults injected | Lost | Repeated | Max recovery | Notes |";
  private static final String TABLE_RULE = "|---|---:|---|---:|---:|---:|---|";

  /**
   * One scenario's outcome.
   *
   * @param scenario a short stable name; the row's key
   * @param messages messages the scenario sent and expected an outcome for
   * @param faults the faults injected, with counts ("24 SIGKILLs", "40× 429, 30× 500")
   * @param lost messages acknowledged but never answered (must be 0)
   * @param repeated replies delivered more than once (sends in flight at a kill)
   * @param maxRecovery the longest time from a fault's end to work flowing again
   * @param notes anything else the row should say (bounds checked, attempts per minute)
   */
  public record Row(
      String scenario,
      long messages,
      String faults,
      long lost,
      long repeated,
      Duration maxRecovery,
      String notes) {
    public Row {
      requireNonNull(scenario, "scenario is null");
      requireNonNull(faults, "faults is null");
      requireNonNull(maxRecovery, "maxRecovery is null");
      requireNonNull(notes, "notes is null");
      if (scenario.contains("|") || faults.contains("|") || notes.contains("|")) {
        throw new IllegalArgumentException("a table cell cannot hold '|'");
      }
    }

    String line() {
      return "| "
          + String.join(
              " | ",
              scenario,
              Long.toString(messages),
              faults,
              Long.toString(lost),
              Long.toString(repeated),
              seconds(maxRecovery),
              notes)
          + " |";
    }
  }

  /** How to run what the normal test run does not: written below the table. */
  private static final String FOOTER =
      """

      ## Longer runs

      **Fuzzing.** The fuzz tests (`faults/hostile/RouteFuzzTest`, Jazzer) only replay their seed
      inputs in a normal test run (`src/test/resources/dev/switchboard/faults/hostile/RouteFuzzTestInputs/`).
      To fuzz one target for real, coverage-guided, for its `maxDuration`:

      ```sh
      JAZZER_FUZZ=1 mvn -f gateway/pom.xml test \\
        -Dtest='RouteFuzzTest#webhook_message_route_answers_202_for_a_well_formed_event_and_4xx_otherwise'
      ```

      A failing input is saved by Jazzer; put it in the target's inputs folder so that every test
      run replays it from then on. The corpus Jazzer grows is kept in `.cifuzz-corpus/`.

      **Disk faults** mount a small tmpfs on the gateway's data folder, which needs root; without
      it `DiskFaultsTest` is skipped. Linux refuses `mount -o remount,ro` while a process has a file
      of the mount open for writing, as the gateway always has (the central database), so the
      read-only case swaps the data folder for a read-only bind of the same tmpfs: every file the
      gateway opens from then on is read-only (session files, reply feeds), while descriptors it
      already holds stay writable. `WriteFaultsTest` covers those: it attaches strace to the
      running gateway and fails every write, sync, truncate, unlink and rename on the files of its
      data folder with EROFS (a disk turned read-only) or EIO (a failing disk), through the
      descriptors already open too (the central database and its WAL, the session files the
      gateway's connections and the agents keep open), then detaches. It needs strace and
      ptrace (root, or CAP_SYS_PTRACE) and is skipped without them.

      **Soak.** `./switchboard soak [DURATION [KILL_EVERY]]` (default `10m` and `60s`) runs
      `SoakTest` (skipped in the normal test run): a steady webhook load on the real gateway
      process with a SIGKILL and restart every KILL_EVERY, then the same "nothing lost" check, and
      the gateway's thread count and live heap (after a full collection, sampled every 10 s) of
      the first quarter of the run against the last.
      """;

  private FaultReport() {}

  /** Puts {@code row} into {@code docs/reliability.md} under the repository root. */
  public static synchronized void record(Row row) {
    record(root().resolve("docs").resolve("reliability.md"), row);
  }

  static synchronized void record(Path file, Row row) {
    Map<String, String> rows = new LinkedHashMap<>();
    try {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, UTF_8)) {
          if (line.startsWith("| ") && !line.equals(TABLE_HEADER)) {
            rows.put(line.substring(2, line.indexOf(" |", 2)).strip(), line);
          }
        }
      }
      rows.put(row.scenario(), row.line());
      Files.createDirectories(file.getParent());
      Files.writeString(file, document(new ArrayList<>(rows.values())), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reliability report " + file, e);
    }
  }

  private static String document(List<String> rows) {
    StringBuilder text = new StringBuilder();
    text.append("# Reliability\n\n")
        .append("Written by the fault suite (`gateway/src/test/java/dev/switchboard/faults/`),\n")
        .append("which runs with every `./switchboard test`; each scenario replaces its own row\n")
        .append("when it runs. Do not edit the table by hand. Last written ")
        .append(LocalDate.now())
        .append(".\n\n")
        .append("*Lost* counts messages acknowledged to the platform that never got their reply;\n")
        .append("*repeated* counts replies sent twice because the send was in flight when the\n")
        .append("gateway was killed; *max recovery* is the longest time from a fault's end to\n")
        .append("work flowing again.\n\n")
        .append(TABLE_HEADER)
        .append('\n')
        .append(TABLE_RULE)
        .append('\n');
    rows.forEach(line -> text.append(line).append('\n'));
    text.append(FOOTER);
    return text.toString();
  }

  private static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
  }

  // Not the switchboard.root property alone: a build of the gateway module by itself
  // (mvn -f gateway/pom.xml) sets it to the module's folder.
  private static Path root() {
    return GatewayProcess.repoRoot();
  }
}
