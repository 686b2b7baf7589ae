package dev.switchboard.plugins.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends a process together with its descendants: SIGTERM first, SIGKILL after a grace period. */
final class ProcessTree {

  /** How long SIGKILL may take to show; only a process stuck in the kernel takes longer. */
  static final Duration KILL_WAIT = Duration.ofSeconds(5);

  private ProcessTree() {}

  /**
   * Sends SIGTERM to the process and its descendants, waits up to {@code grace} for all of them,
   * then sends SIGKILL to whatever is left and waits for that too.
   *
   * @return whether the root process has exited
   */
  static boolean terminate(ProcessHandle root, Duration grace) {
    // Descendants are listed before the root is signalled: once it dies they are re-parented and
    // no longer show up as its descendants.
    List<ProcessHandle> tree = withDescendants(root);
    tree.forEach(ProcessHandle::destroy);
    if (awaitExit(tree, grace)) {
      return true;
    }
    Set<ProcessHandle> left = new LinkedHashSet<>(tree);
    left.addAll(withDescendants(root));
    left.removeIf(process -> !process.isAlive());
    left.forEach(ProcessHandle::destroyForcibly);
    awaitExit(List.copyOf(left), KILL_WAIT);
    return !root.isAlive();
  }

  private static List<ProcessHandle> withDescendants(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    return tree;
  }

  /** Whether every process exited within {@code timeout}, all of them sharing one deadline. */
  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle process : processes) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        process.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("waiting for process " + process.pid() + " failed", e);
      }
    }
    return true;
  }
}
