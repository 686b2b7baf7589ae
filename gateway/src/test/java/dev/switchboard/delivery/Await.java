package dev.switchboard.delivery;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.opentest4j.AssertionFailedError;

/** Waits for a condition with a deadline, polling; never a bare sleep standing in for a sync. */
public final class Await {
  private Await() {}

  public static void await(Duration timeout, BooleanSupplier condition, String message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionFailedError("not within " + timeout.toMillis() + " ms: " + message);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }
}
