package dev.switchboard.plugins;

import dev.switchboard.plugin.api.InboundOutcome;
import java.util.concurrent.atomic.AtomicLong;

/** Counts of inbound outcomes, for {@code /metrics}. */
public final class InboundStats {
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicate = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  void count(InboundOutcome outcome) {
    switch (outcome) {
      case InboundOutcome.Stored s -> stored.incrementAndGet();
      case InboundOutcome.Duplicate d -> duplicate.incrementAndGet();
      case InboundOutcome.Dropped d -> dropped.incrementAndGet();
    }
  }

  void rejected() {
    rejected.incrementAndGet();
  }

  public long stored() {
    return stored.get();
  }

  public long duplicates() {
    return duplicate.get();
  }

  public long dropped() {
    return dropped.get();
  }

  public long rejectedCount() {
    return rejected.get();
  }
}
