package dev.switchboard.bench;

import java.time.Duration;
import java.util.Locale;

/** How figures are written in the report: fixed precision, no locale surprises. */
final class Format {
  static final double MIB = 1024.0 * 1024.0;
  /** Written where there is no value, e.g. a percentile of no replies. */
  static final String NONE = "–";

  private Format() {}

  /** Milliseconds: two decimals below 10 ms, one below 100 ms, none above. */
  static String ms(double ms) {
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%,.0f ms", ms);
  }

  /** A figure of {@code summary} in milliseconds, or {@link #NONE} when it has no values. */
  static String ms(Latencies.Summary summary, double ms) {
    return summary.count() == 0 ? NONE : ms(ms);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }

  /** A duration as given on the command line: 500ms, 3s, 1.5s. */
  static String duration(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 != 0) {
      return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    return millis / 1000 + " s";
  }

  static String mib(double mib) {
    return String.format(Locale.ROOT, "%.0f MiB", mib);
  }

  /** CPU in % of one core with its kernel part, e.g. {@code 97 % (38 % system)}. */
  static String cpu(double percent, double systemPercent) {
    return String.format(Locale.ROOT, "%.0f %% (%.0f %% system)", percent, systemPercent);
  }

  /** CPU in % of one core, with two decimals: idle figures are small. */
  static String cpuPrecise(double percent) {
    return String.format(Locale.ROOT, "%.2f %% of one core", percent);
  }

  static String two(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  static String percent(double percent) {
    return String.format(Locale.ROOT, "%.0f %%", percent);
  }

  /** A rate per second with thousands separators; whole below 100 only when it is whole. */
  static String rate(double perSecond) {
    if (perSecond >= 100 || perSecond == Math.rint(perSecond)) {
      return String.format(Locale.ROOT, "%,.0f", perSecond);
    }
    return String.format(Locale.ROOT, "%.1f", perSecond);
  }

  /** A number as a whole, with thousands separators. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String one(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** {@code value / limit} as a ratio with its percentage, e.g. {@code 0.12 (12 %)}. */
  static String ratio(double value, double limit) {
    if (limit <= 0) {
      return "n/a";
    }
    double r = value / limit;
    return r < 0.01
        ? String.format(Locale.ROOT, "%.4f (%.2f %%)", r, r * 100)
        : String.format(Locale.ROOT, "%.2f (%.0f %%)", r, r * 100);
  }
}
