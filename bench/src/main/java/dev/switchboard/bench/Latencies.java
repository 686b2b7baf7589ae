package dev.switchboard.bench;

import java.util.Arrays;

/** A thread-safe collection of latencies in nanoseconds, summarised by nearest-rank percentiles. */
final class Latencies {
  private long[] values = new long[1024];
  private int size;

  synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  synchronized int count() {
    return size;
  }

  /** A sorted copy of every value. */
  synchronized long[] sorted() {
    long[] copy = Arrays.copyOf(values, size);
    Arrays.sort(copy);
    return copy;
  }

  Summary summary() {
    return Summary.of(sorted());
  }

  /** Percentiles in milliseconds; all zero when there are no values. */
  record Summary(int count, double minMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
    static Summary of(long[] sorted) {
      if (sorted.length == 0) {
        return new Summary(0, 0, 0, 0, 0, 0);
      }
      return new Summary(
          sorted.length,
          millis(sorted[0]),
          millis(percentile(sorted, 0.50)),
          millis(percentile(sorted, 0.90)),
          millis(percentile(sorted, 0.99)),
          millis(sorted[sorted.length - 1]));
    }
  }

  /** The nearest-rank percentile {@code p} (0 &lt; p ≤ 1) of sorted values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  static double millis(long nanos) {
    return nanos / 1e6;
  }
}
