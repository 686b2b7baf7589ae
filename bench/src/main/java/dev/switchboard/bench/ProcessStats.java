package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and CPU time of a process, from Linux's {@code /proc}: resident set size ({@code VmRSS})
 * and its peak ({@code VmHWM}) from {@code status}, user plus system CPU time from {@code stat}.
 */
final class ProcessStats {
  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
  static final int TICKS_PER_SECOND = 100;

  private ProcessStats() {}

  /** A reading of one process. */
  record Sample(long rssKib, long peakRssKib, long userTicks, long systemTicks, long atNanos) {
    long cpuTicks() {
      return userTicks + systemTicks;
    }

    double rssMib() {
      return rssKib / 1024.0;
    }

    double peakRssMib() {
      return peakRssKib / 1024.0;
    }

    /** CPU used between {@code earlier} and this sample, in % of one core. */
    double cpuPercentSince(Sample earlier) {
      return percent(cpuTicks() - earlier.cpuTicks(), earlier);
    }

    /** The part of {@link #cpuPercentSince} spent in the kernel on the process's behalf. */
    double systemPercentSince(Sample earlier) {
      return percent(systemTicks - earlier.systemTicks, earlier);
    }

    /** CPU time used between {@code earlier} and this sample, in milliseconds. */
    long cpuMillisSince(Sample earlier) {
      return (cpuTicks() - earlier.cpuTicks()) * 1000L / TICKS_PER_SECOND;
    }

    private double percent(long ticks, Sample earlier) {
      double seconds = (atNanos - earlier.atNanos) / 1e9;
      return seconds <= 0 ? 0 : ticks * 100.0 / TICKS_PER_SECOND / seconds;
    }
  }

  /** Reads {@code pid} now; fails if the process is gone. */
  static Sample sample(long pid) {
    long at = System.nanoTime();
    String status = read(Path.of("/proc", Long.toString(pid), "status"));
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    long[] ticks = cpuTicks(stat);
    return new Sample(kib(status, "VmRSS:"), kib(status, "VmHWM:"), ticks[0], ticks[1], at);
  }

  /** The resident set size of {@code pid} in KiB, or 0 if it is gone. */
  static long rssKibOrZero(long pid) {
    try {
      return kib(read(Path.of("/proc", Long.toString(pid), "status")), "VmRSS:");
    } catch (IllegalStateException e) {
      return 0;
    }
  }

  /** The number of threads of {@code pid} ({@code Threads:} of {@code status}). */
  static int threads(long pid) {
    return (int) kib(read(Path.of("/proc", Long.toString(pid), "status")), "Threads:");
  }

  /** The number of open file descriptors of {@code pid} (entries of {@code /proc/<pid>/fd}). */
  static int openFiles(long pid) {
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    try (var entries = Files.list(fds)) {
      return (int) entries.count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + fds + " (is the process gone?)", e);
    }
  }

  /**
   * {utime, stime}: fields 14 and 15 of {@code stat}, counted after the command in parentheses
   * (which may hold spaces).
   */
  static long[] cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalStateException("unexpected /proc stat line: " + stat);
    }
    // After ") " come field 3 (state), 4, ... so utime (14) is index 11 and stime (15) index 12.
    String[] fields = stat.substring(close + 2).trim().split(" +");
    return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
  }

  /** The value of a {@code Name:   123 kB} (or {@code Name: 123}) line of {@code status}. */
  static long kib(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name)) {
        String value = line.substring(name.length()).trim();
        int space = value.indexOf(' ');
        return Long.parseLong(space < 0 ? value : value.substring(0, space));
      }
    }
    throw new IllegalStateException("no " + name + " line in /proc status");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + " (is the process gone?)", e);
    }
  }
}
