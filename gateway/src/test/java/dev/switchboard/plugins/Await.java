package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Waits with a deadline. */
final class Await {
  private Await() {}

  /** The next element of {@code queue}; fails naming {@code what} if none comes in time. */
  static <T> T next(BlockingQueue<T> queue, Duration timeout, String what) {
    try {
      T value = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (value == null) {
        fail("timed out after " + timeout + " waiting for " + what);
      }
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }
}
