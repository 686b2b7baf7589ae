package dev.switchboard.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at another JVM from outside: its thread count from {@code /proc/<pid>/status} (every
 * platform thread; virtual threads run on a fixed carrier pool and do not show) and its live heap
 * through {@code jcmd} (a full collection first, so garbage does not count).
 */
public final class JvmProbe {
  private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
  // "DefNew total 14528K, used 70K" and "Tenured total 32196K, used 19317K" (Serial GC)
  private static final Pattern USED = Pattern.compile("\\btotal\\s+\\d+K,\\s+used\\s+(\\d+)K");
  private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

  private JvmProbe() {}

  /** The number of threads of process {@code pid}. */
  public static int threads(long pid) {
    try {
      Matcher m = THREADS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status"), UTF_8));
      if (!m.find()) {
        throw new IllegalStateException("no Threads line in /proc/" + pid + "/status");
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid + "/status (is it Linux?)", e);
    }
  }

  /** The heap in use right after a full collection, in KiB. */
  public static long liveHeapKib(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher g1 = G1_USED.matcher(info);
    if (g1.find()) {
      return Long.parseLong(g1.group(1));
    }
    Matcher m = USED.matcher(info);
    long used = 0;
    boolean any = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      any = true;
    }
    if (!any) {
      throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + info);
    }
    return used;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + jcmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running jcmd", e);
    }
  }
}
