package dev.switchboard.plugin.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Finds threads a channel left running. Sees platform threads only: virtual threads are not listed
 * by the JVM, so a channel that leaks one goes unnoticed here.
 */
final class ThreadCheck {
  // Threads the JVM itself starts on demand and shares between everything in the process.
  private static final List<String> SHARED_PREFIXES =
      List.of(
          "ForkJoinPool.commonPool-",
          "Common-Cleaner",
          "process reaper",
          "Attach Listener",
          "VirtualThread-unparker",
          "Read-Poller",
          "Write-Poller",
          "Notification Thread",
          "Signal Dispatcher");

  private ThreadCheck() {}

  static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  /**
   * The names of threads started since {@code before} that are still alive after waiting up to
   * {@code timeout} for them to end, leaving out the JVM's shared ones and those {@code ignored}
   * says are not the channel's.
   */
  static List<String> stillAlive(Set<Thread> before, Predicate<Thread> ignored, Duration timeout)
      throws InterruptedException {
    List<Thread> started =
        liveThreads().stream()
            .filter(t -> !before.contains(t))
            .filter(t -> !shared(t))
            .filter(ignored.negate())
            .toList();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread thread : started) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(Duration.ofNanos(left));
      }
    }
    return started.stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
  }

  private static boolean shared(Thread thread) {
    // The carriers of virtual threads: jdk.internal.misc.CarrierThread, named ForkJoinPool-N-...
    if (thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
      return true;
    }
    return SHARED_PREFIXES.stream().anyMatch(thread.getName()::startsWith);
  }
}
