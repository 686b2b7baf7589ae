package dev.switchboard.plugin.testkit;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds threads a channel left running: platform threads from {@link Thread#getAllStackTraces()},
 * virtual threads from the JVM's thread dump (the only place that lists them).
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
          "VirtualThread-unblocker",
          "MasterPoller",
          "Read-Poller",
          "Write-Poller",
          "Notification Thread",
          "Signal Dispatcher");
  private static final Duration POLL = Duration.ofMillis(50);

  private ThreadCheck() {}

  /** The threads alive now: platform ones as themselves, virtual ones by id. */
  record Snapshot(Set<Thread> platform, Set<Long> virtual) {}

  static Snapshot snapshot() {
    return new Snapshot(
        liveThreads(),
        virtualThreads().stream().map(VirtualThreadView::id).collect(Collectors.toSet()));
  }

  static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  /**
   * The threads started since {@code before} that are still alive after waiting up to {@code
   * timeout} for them to end, leaving out the JVM's shared ones and those the predicates say are
   * not the channel's. Platform threads are named by their names, virtual ones as {@link
   * VirtualThreadView#describe()} describes them.
   */
  static List<String> stillAlive(
      Snapshot before,
      Predicate<Thread> ignored,
      Predicate<VirtualThreadView> ignoredVirtual,
      Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Thread> started =
        liveThreads().stream()
            .filter(t -> !before.platform().contains(t))
            .filter(t -> !shared(t))
            .filter(ignored.negate())
            .toList();
    for (Thread thread : started) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(Duration.ofNanos(left));
      }
    }
    List<VirtualThreadView> virtual = newVirtualThreads(before, ignoredVirtual);
    while (!virtual.isEmpty() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(POLL.toNanos());
      virtual = newVirtualThreads(before, ignoredVirtual);
    }
    return Stream.concat(
            started.stream().filter(Thread::isAlive).map(Thread::getName).sorted(),
            virtual.stream().map(VirtualThreadView::describe))
        .toList();
  }

  private static List<VirtualThreadView> newVirtualThreads(
      Snapshot before, Predicate<VirtualThreadView> ignored) {
    return virtualThreads().stream()
        .filter(v -> !before.virtual().contains(v.id()))
        .filter(v -> v.id() != Thread.currentThread().threadId())
        .filter(v -> !shared(v))
        .filter(ignored.negate())
        .toList();
  }

  private static boolean shared(Thread thread) {
    // The carriers of virtual threads: jdk.internal.misc.CarrierThread, named ForkJoinPool-N-...
    if (thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
      return true;
    }
    // The timer thread of the carriers' pool, started with the first timed park of a virtual thread.
    if (thread.getName().endsWith("-delayScheduler")
        && carrierPools().anyMatch(pool -> thread.getName().equals(pool + "delayScheduler"))) {
      return true;
    }
    return SHARED_PREFIXES.stream().anyMatch(thread.getName()::startsWith);
  }

  // "ForkJoinPool-1-" of carriers named "ForkJoinPool-1-worker-3".
  private static Stream<String> carrierPools() {
    return liveThreads().stream()
        .filter(t -> t.getClass().getName().equals("jdk.internal.misc.CarrierThread"))
        .map(Thread::getName)
        .filter(name -> name.contains("-worker-"))
        .map(name -> name.substring(0, name.indexOf("-worker-") + 1));
  }

  // The JDK's pollers of network I/O for virtual threads are virtual threads themselves.
  private static boolean shared(VirtualThreadView thread) {
    return thread.runsCodeOf("sun.nio.ch.Poller");
  }

  /** The virtual threads alive now, read from a JSON thread dump of this JVM. */
  static List<VirtualThreadView> virtualThreads() {
    Path dump = null;
    try {
      dump = Files.createTempDirectory("thread-check").resolve("threads.json");
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(dump.toString(), ThreadDumpFormat.JSON);
      return parse(Files.readString(dump));
    } catch (IOException e) {
      throw new UncheckedIOException("could not dump this JVM's threads", e);
    } finally {
      if (dump != null) {
        try {
          Files.deleteIfExists(dump);
          Files.deleteIfExists(dump.getParent());
        } catch (IOException e) {
          // a leftover file in the temporary folder; the check itself is unaffected
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static List<VirtualThreadView> parse(String json) {
    Map<String, Object> root = (Map<String, Object>) new Json(json).value();
    Map<String, Object> threadDump = (Map<String, Object>) root.get("threadDump");
    List<VirtualThreadView> found = new ArrayList<>();
    Set<Long> ids = new HashSet<>();
    for (Object c : (List<Object>) threadDump.get("threadContainers")) {
      Map<String, Object> container = (Map<String, Object>) c;
      for (Object t : (List<Object>) container.getOrDefault("threads", List.of())) {
        Map<String, Object> thread = (Map<String, Object>) t;
        long id = Long.parseLong(String.valueOf(thread.get("tid")));
        if (Boolean.TRUE.equals(thread.get("virtual")) && ids.add(id)) {
          List<String> stack =
              ((List<Object>) thread.getOrDefault("stack", List.of()))
                  .stream().map(String::valueOf).toList();
          found.add(new VirtualThreadView(id, String.valueOf(thread.get("name")), stack));
        }
      }
    }
    return found;
  }

  /** Just enough JSON for the JVM's thread dump: objects, arrays, strings, numbers, literals. */
  private static final class Json {
    private final String text;
    private int at;

    Json(String text) {
      this.text = text;
    }

    Object value() {
      skipSpace();
      char c = text.charAt(at);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, Object> object() {
      Map<String, Object> members = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (text.charAt(at) == '}') {
        at++;
        return members;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        members.put(key, value());
        skipSpace();
        if (text.charAt(at++) == '}') {
          return members;
        }
      }
    }

    private List<Object> array() {
      List<Object> items = new ArrayList<>();
      at++;
      skipSpace();
      if (text.charAt(at) == ']') {
        at++;
        return items;
      }
      while (true) {
        items.add(value());
        skipSpace();
        if (text.charAt(at++) == ']') {
          return items;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = text.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char escaped = text.charAt(at++);
        switch (escaped) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(escaped);
        }
      }
    }

    private Object number() {
      int start = at;
      while (at < text.length() && "+-.eE0123456789".indexOf(text.charAt(at)) >= 0) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("unexpected '" + text.charAt(at) + "' at " + at);
      }
      return Double.parseDouble(text.substring(start, at));
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, at)) {
        throw new IllegalArgumentException("expected " + word + " at " + at);
      }
      at += word.length();
      return value;
    }

    private void expect(char c) {
      if (text.charAt(at) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + at);
      }
      at++;
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }
  }
}
