package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultReportTest {
  @TempDir Path folder;

  @Test
  void a_scenario_replaces_its_own_row_and_keeps_the_others_in_order() throws Exception {
    Path file = folder.resolve("docs/reliability.md");
    FaultReport.record(file, row("kills", 100, 0));
    FaultReport.record(file, row("platform", 50, 0));
    FaultReport.record(file, row("kills", 120, 1));

    List<String> rows =
        Files.readAllLines(file, UTF_8).stream().filter(l -> l.startsWith("| ")).toList();

    assertEquals(3, rows.size(), "header and two rows: " + rows);
    assertEquals("| kills | 120 | 24 SIGKILLs | 0 | 1 | 1.50 s | none |", rows.get(1));
    assertEquals("platform", rows.get(2).split(" \\| ")[0].substring(2));
  }

  @Test
  void a_cell_cannot_break_the_table() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new FaultReport.Row("a|b", 1, "x", 0, 0, Duration.ZERO, ""));
  }

  private static FaultReport.Row row(String scenario, long messages, long repeated) {
    return new FaultReport.Row(
        scenario, messages, "24 SIGKILLs", 0, repeated, Duration.ofMillis(1500), "none");
  }
}
