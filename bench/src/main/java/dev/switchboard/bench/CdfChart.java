package dev.switchboard.bench;

import java.util.List;
import java.util.Locale;

/**
 * A latency CDF as a hand-written SVG: latency on a logarithmic x axis in milliseconds, the share
 * of messages answered within it on the y axis, one line per series, and a legend.
 */
final class CdfChart {
  private static final int WIDTH = 760;
  private static final int LEFT = 70;
  private static final int RIGHT = 24;
  private static final int TOP = 48;
  /** The bottom of the plot area; the axis title and the legend go below it. */
  private static final int PLOT_BOTTOM = 396;
  private static final int LEGEND_TOP = PLOT_BOTTOM + 56;
  private static final int LEGEND_ROW = 18;
  private static final int MAX_POINTS = 400;
  private static final String[] COLOURS = {
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"
  };

  private CdfChart() {}

  /** One line: its legend text, its sorted latencies in nanoseconds, and whether it is dashed. */
  record Series(String label, long[] sortedNanos, boolean dashed) {}

  static String render(String title, List<Series> series) {
    double minMs = Double.MAX_VALUE;
    double maxMs = 0;
    for (Series s : series) {
      if (s.sortedNanos().length > 0) {
        minMs = Math.min(minMs, s.sortedNanos()[0] / 1e6);
        maxMs = Math.max(maxMs, s.sortedNanos()[s.sortedNanos().length - 1] / 1e6);
      }
    }
    if (maxMs == 0) {
      minMs = 1;
      maxMs = 1000;
    }
    int lowDecade = (int) Math.floor(Math.log10(Math.max(0.01, minMs)));
    int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(Math.max(maxMs, 0.01))));
    Axes axes = new Axes(lowDecade, highDecade);

    int height = LEGEND_TOP + LEGEND_ROW * series.size() + 12;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
        WIDTH, height, WIDTH, height));
    svg.append(String.format(Locale.ROOT,
        "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"26\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
        LEFT, escape(title)));
    grid(svg, axes);
    for (int i = 0; i < series.size(); i++) {
      line(svg, axes, series.get(i), COLOURS[i % COLOURS.length]);
    }
    legend(svg, series);
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** Maps milliseconds (log) and shares (linear) to pixels. */
  private record Axes(int lowDecade, int highDecade) {
    double x(double ms) {
      double clamped = Math.min(Math.max(ms, Math.pow(10, lowDecade)), Math.pow(10, highDecade));
      double f = (Math.log10(clamped) - lowDecade) / (highDecade - lowDecade);
      return LEFT + f * (WIDTH - LEFT - RIGHT);
    }

    double y(double share) {
      return PLOT_BOTTOM - share * (PLOT_BOTTOM - TOP);
    }
  }

  private static void grid(StringBuilder svg, Axes a) {
    double x0 = a.x(Math.pow(10, a.lowDecade()));
    double x1 = a.x(Math.pow(10, a.highDecade()));
    double y0 = a.y(0);
    double y1 = a.y(1);
    for (int d = a.lowDecade(); d <= a.highDecade(); d++) {
      double x = a.x(Math.pow(10, d));
      svg.append(lineTag(x, y0, x, y1, "#bbbbbb", 1, false));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
          x, y0 + 18, escape(decadeLabel(d))));
      if (d < a.highDecade()) {
        for (int m = 2; m <= 9; m++) {
          double xm = a.x(m * Math.pow(10, d));
          svg.append(lineTag(xm, y0, xm, y0 - 5, "#888888", 1, false));
          svg.append(lineTag(xm, y0 - 5, xm, y1, "#eeeeee", 1, false));
        }
      }
    }
    double[] shares = {0, 0.25, 0.5, 0.75, 0.9, 1};
    String[] labels = {"0", "25 %", "50 %", "75 %", "90 %", "100 %"};
    for (int i = 0; i < shares.length; i++) {
      double y = a.y(shares[i]);
      svg.append(lineTag(x0, y, x1, y, i == 0 ? "#444444" : "#dddddd", 1, false));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 - 6, y + 4, labels[i]));
    }
    // The 99th percentile, too close to 100 % for a label of its own on the left.
    double y99 = a.y(0.99);
    svg.append(lineTag(x0, y99, x1, y99, "#999999", 1, true));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#666666\">99 %%</text>%n",
        x1 - 4, y99 + 14));
    svg.append(lineTag(x0, y0, x0, y1, "#444444", 1, false));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">round-trip latency (reply received − message"
            + " due), log scale</text>%n",
        (x0 + x1) / 2, PLOT_BOTTOM + 40));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">share"
            + " of messages answered</text>%n",
        (y0 + y1) / 2, (y0 + y1) / 2));
  }

  private static String decadeLabel(int decade) {
    double ms = Math.pow(10, decade);
    if (ms >= 1000) {
      return String.format(Locale.ROOT, "%.0f s", ms / 1000);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    return String.format(Locale.ROOT, "%s ms", ms >= 0.1 ? "0.1" : "0.01");
  }

  private static void line(StringBuilder svg, Axes a, Series s, String colour) {
    long[] v = s.sortedNanos();
    if (v.length == 0) {
      return;
    }
    StringBuilder points = new StringBuilder();
    int step = Math.max(1, v.length / MAX_POINTS);
    for (int i = 0; i < v.length; i += step) {
      point(points, a, v[i] / 1e6, (i + 1) / (double) v.length);
    }
    point(points, a, v[v.length - 1] / 1e6, 1.0);
    svg.append(String.format(Locale.ROOT,
        "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
        colour, s.dashed() ? " stroke-dasharray=\"6 3\"" : "", points.toString().trim()));
  }

  private static void point(StringBuilder points, Axes a, double ms, double share) {
    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", a.x(ms), a.y(share)));
  }

  /** Below the plot, one row per series, so that it never hides a line. */
  private static void legend(StringBuilder svg, List<Series> series) {
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      double x = LEFT;
      double y = LEGEND_TOP + 12 + i * LEGEND_ROW;
      svg.append(lineTag(x, y - 4, x + 26, y - 4, COLOURS[i % COLOURS.length], 2, s.dashed()));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", x + 34, y, escape(s.label())));
    }
  }

  private static String lineTag(
      double x1, double y1, double x2, double y2, String colour, int width, boolean dashed) {
    return String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"%s/>%n",
        x1, y1, x2, y2, colour, width, dashed ? " stroke-dasharray=\"4 3\"" : "");
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
