package dev.switchboard.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting in the driver: for a time, until a moment, or until a condition holds (bounded). */
final class Pause {
  private static final long CHECK_NANOS = Duration.ofMillis(5).toNanos();

  private Pause() {}

  /** Waits for {@code duration}; throws if interrupted. */
  static void of(Duration duration) throws InterruptedException {
    until(System.nanoTime() + duration.toNanos());
  }

  /** Waits until {@link System#nanoTime()} reaches {@code deadline}; throws if interrupted. */
  static void until(long deadline) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Checks {@code done} every few milliseconds until it holds or {@code timeout} passes. */
  static boolean awaitCondition(BooleanSupplier done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      until(Math.min(deadline, System.nanoTime() + CHECK_NANOS));
    }
    return true;
  }
}
