package dev.switchboard.admin;

import java.io.PrintStream;
import java.util.List;

/** Prints rows as aligned columns; the first row is the header. */
final class PrintTable {
  private final PrintStream out;

  PrintTable(PrintStream out) {
    this.out = out;
  }

  void print(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], String.valueOf(row[i]).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = String.valueOf(row[i]);
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
