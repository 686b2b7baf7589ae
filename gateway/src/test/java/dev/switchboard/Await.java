package dev.switchboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking it again after a short pause. */
public final class Await {
  private static final Duration POLL = Duration.ofMillis(20);

  private Await() {}

  /** Returns once {@code condition} holds; fails with {@code what} and {@code details} at the deadline. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> details) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out after " + timeout + " waiting until " + what + "\n" + details.get());
      }
      pause(POLL);
    }
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** A short pause between two attempts of a retry or poll loop (never a synchronisation). */
  public static void pause(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pausing between attempts", e);
    }
  }
}
