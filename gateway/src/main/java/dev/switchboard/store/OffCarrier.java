package dev.switchboard.store;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs SQLite work on platform threads when it is asked for on a virtual thread.
 *
 * <p>SQLite runs in native code: a sync to disk, or a wait for another process's lock (up to the
 * busy timeout), blocks the thread that calls it, and a virtual thread inside a native call keeps
 * its carrier. The JVM has as many carriers as cores, so two such waits on a 2-core machine would
 * stall every other virtual thread: HTTP handlers, long polls, deliveries. Handed to a platform
 * thread, the work blocks only that thread, and the virtual thread waits for it unmounted.
 *
 * <p>Work asked for on a platform thread (including work nested in work already handed over) runs
 * where it is. Past {@link #MAX_THREADS} concurrent units the caller runs its own work, as before.
 */
public final class OffCarrier {
  static final int MAX_THREADS = 64;
  private static final ThreadPoolExecutor POOL =
      new ThreadPoolExecutor(
          0,
          MAX_THREADS,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          Thread.ofPlatform().daemon().name("sqlite-", 0).factory(),
          new ThreadPoolExecutor.CallerRunsPolicy());

  private OffCarrier() {}

  /**
   * Runs {@code work} on a platform thread and returns its result; see the class comment. A unit of
   * work that calls the store several times is best handed over whole: one hand-off instead of one
   * per call.
   */
  public static <T> T call(Supplier<T> work) {
    if (!Thread.currentThread().isVirtual()) {
      return work.get();
    }
    Future<T> result = POOL.submit(work::get);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          // The work goes on (it may hold a file's lock and must end its transaction); its outcome
          // is still the caller's, and the interrupt is kept for the caller to see.
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StoreException("SQLite work failed: " + cause, cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
