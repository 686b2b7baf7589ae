package dev.switchboard.delivery;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the delivery part, for {@code /metrics}. */
public final class DeliveryStats {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();

  void delivered() {
    delivered.incrementAndGet();
  }

  void failed() {
    failed.incrementAndGet();
  }

  void retried() {
    retried.incrementAndGet();
  }

  void rateLimited() {
    rateLimited.incrementAndGet();
  }

  public long deliveredCount() {
    return delivered.get();
  }

  public long failedCount() {
    return failed.get();
  }

  public long retriedCount() {
    return retried.get();
  }

  public long rateLimitedCount() {
    return rateLimited.get();
  }
}
