package dev.switchboard.agents;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Pools of platform threads that grow with bursts and shrink soon after: a thread is kept for
 * {@link #KEEP} after its last task (reused while a gateway is busy), then ends, so a burst of
 * thousands of sessions leaves no hundreds of parked threads and their stacks behind.
 */
final class IdleThreads {
  static final Duration KEEP = Duration.ofSeconds(5);

  private IdleThreads() {}

  static ExecutorService pool(String namePrefix) {
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        KEEP.toMillis(),
        TimeUnit.MILLISECONDS,
        new SynchronousQueue<>(),
        Thread.ofPlatform().daemon().name(namePrefix, 0).factory());
  }
}
