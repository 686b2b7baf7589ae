package dev.switchboard.faults.disk;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Every write a running process makes to chosen files fails with a chosen errno, descriptors it
 * already holds included: strace's fault injection, attached to the process (and all its threads)
 * with ptrace, filtered by path ({@code -P}: strace resolves each descriptor to its file). This is
 * what a disk that turns read-only (EROFS) or starts failing (EIO) under a process looks like to
 * it, which no mount can show: Linux refuses {@code remount,ro} while files are open for writing.
 * Ending strace detaches it, and the writes succeed again.
 *
 * <p>Opens are left alone: one injection cannot refuse an open for writing and allow one for
 * reading, and the process reads these files throughout. A file opened during the fault fails at
 * its first write instead, as one opened just before the disk turned read-only would. So is
 * {@code mkdir}: the paths named are folders that exist, and on a read-only disk {@code mkdir} of
 * an existing folder still fails with EEXIST, which callers take as success.
 */
final class WriteFaults implements AutoCloseable {
  /** What writes, syncs, or changes a file or a folder entry, by descriptor or by path. */
  static final List<String> SYSCALLS =
      List.of(
          "write", "pwrite64", "writev", "pwritev", "pwritev2", "fsync", "fdatasync", "ftruncate",
          "fallocate", "copy_file_range", "fchown", "fchmod", "utimensat", "unlink", "unlinkat",
          "rename", "renameat", "renameat2");

  private static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(20);

  private final Process strace;
  private final Path trace;
  private final List<String> messages;
  private final long attachedNanos = System.nanoTime();
  private long detachedNanos;

  private WriteFaults(Process strace, Path trace, List<String> messages) {
    this.strace = strace;
    this.trace = trace;
    this.messages = messages;
  }

  /**
   * Why faults cannot be injected here, if they cannot: no strace, one too old for these options,
   * or ptrace not permitted (a container without CAP_SYS_PTRACE, Yama's ptrace_scope). Tried with
   * the same options on a process of our own that is not strace's child, as the gateway is not.
   */
  static Optional<String> whyUnavailable() {
    Process target;
    Path trace;
    try {
      trace = Files.createTempFile("write-faults-probe-", ".trace");
      target = new ProcessBuilder("sleep", "60").start();
    } catch (IOException e) {
      return Optional.of("cannot start a process to try ptrace on: " + e.getMessage());
    }
    try (WriteFaults probe = attach(target.pid(), List.of(trace.resolveSibling("no-such-file")), "EROFS", trace)) {
      return Optional.empty();
    } catch (IllegalStateException e) {
      return Optional.of(e.getMessage());
    } finally {
      target.destroyForcibly();
      trace.toFile().delete();
    }
  }

  /**
   * Attaches to {@code pid} and returns once every thread is traced: from then on each of {@link
   * #SYSCALLS} on one of {@code paths} fails with {@code errno} ("EROFS", "EIO"). Each injected
   * fault is written to {@code trace}, one line each.
   *
   * @throws IllegalStateException strace is missing or could not attach (the message says why)
   */
  static WriteFaults attach(long pid, List<Path> paths, String errno, Path trace) {
    String syscalls = String.join(",", SYSCALLS);
    List<String> command = new ArrayList<>(List.of("strace", "-f", "-y", "-p", Long.toString(pid)));
    command.addAll(List.of("-o", trace.toString()));
    for (Path path : paths) {
      command.addAll(List.of("-P", path.toString()));
    }
    // Only the failed calls are written, which on these paths are the injected ones.
    command.addAll(List.of("-e", "trace=" + syscalls, "-e", "status=failed"));
    command.addAll(List.of("-e", "inject=" + syscalls + ":error=" + errno));
    Process strace;
    try {
      strace = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("strace is not installed (" + e.getMessage() + ")", e);
    }
    List<String> messages = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> attached = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(new InputStreamReader(strace.getInputStream(), UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  messages.add(line);
                  // "strace: Process 123 attached with 41 threads" (or "attached" alone)
                  if (line.contains("Process " + pid + " attached")) {
                    attached.complete(true);
                  }
                }
              } catch (IOException e) {
                // strace ended; what it said is in messages
              }
              attached.complete(false);
            });
    boolean ok;
    try {
      ok = attached.get(ATTACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      strace.destroyForcibly();
      throw new IllegalStateException(
          "strace could not attach to process " + pid + " (ptrace not permitted?): "
              + String.join(" / ", messages));
    }
    return new WriteFaults(strace, trace, messages);
  }

  /**
   * Every file and folder under {@code folder}, and the companions SQLite may create next to each
   * database ({@code -journal}, {@code -wal}, {@code -shm}): the paths to name with {@code -P}.
   * Files created later under other names are not covered.
   */
  static List<Path> pathsUnder(Path folder) {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path path : all.sorted().toList()) {
        paths.add(path);
        if (path.getFileName().toString().endsWith(".db")) {
          for (String companion : List.of("-journal", "-wal", "-shm")) {
            Path sibling = path.resolveSibling(path.getFileName() + companion);
            if (!Files.exists(sibling)) {
              paths.add(sibling);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
    return paths;
  }

  /** Detaches strace: writes succeed again once this returns. */
  @Override
  public void close() {
    if (!strace.isAlive()) {
      return;
    }
    // SIGTERM: strace detaches from every thread and exits.
    strace.destroy();
    try {
      if (!strace.waitFor(DETACH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        strace.destroyForcibly();
        throw new IllegalStateException("strace did not detach within " + DETACH_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      strace.destroyForcibly();
    }
    detachedNanos = System.nanoTime();
  }

  /** How long faults were injected (until now if still attached). */
  Duration duration() {
    long end = detachedNanos != 0 ? detachedNanos : System.nanoTime();
    return Duration.ofNanos(end - attachedNanos);
  }

  /** The lines of the trace: one per injected fault. */
  List<String> injected() {
    try {
      return Files.readAllLines(trace, UTF_8).stream()
          .filter(line -> line.contains("(INJECTED)"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + trace, e);
    }
  }

  /** Injected faults counted by a key of each line (e.g. the file it was on). */
  Map<String, Long> count(java.util.function.Function<String, String> key) {
    Map<String, Long> counts = new TreeMap<>();
    injected().forEach(line -> counts.merge(key.apply(line), 1L, Long::sum));
    return counts;
  }

  /** What strace wrote on its standard error (attach, detach, warnings). */
  List<String> messages() {
    return List.copyOf(messages);
  }
}
