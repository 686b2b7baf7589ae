package dev.switchboard.http;

import static java.util.Objects.requireNonNull;

import dev.switchboard.config.GatewayConfig;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides whether an inbound request is taken or shed, before any of its work is done.
 *
 * <p>Two bounds. {@code maxInFlight} caps the inbound requests being handled at once: each holds a
 * virtual thread and, while it stores, one of the store's platform threads and the locks of its
 * files; past the bound more requests only queue for those, each adding its wait to every later
 * one's. {@code maxBacklog} caps the messages stored but not yet answered (agents' unfinished
 * inbound rows plus due replies not yet delivered): whatever is taken past what the agents and
 * the delivery part get through waits behind everything taken before it, so a backlog without
 * bound is a latency without bound for every message taken. A shed request is answered at once
 * with {@code 503} and {@code Retry-After}; nothing of it is stored, and the sender tries again.
 *
 * <p>Both are counts, read without locks: two requests arriving together may both pass the
 * backlog bound by one, which a bound of hundreds absorbs; the in-flight bound is exact.
 */
public final class Admission {
  /** Why a request was shed. */
  public enum Reason {
    IN_FLIGHT("in_flight"),
    BACKLOG("backlog");

    public final String label;

    Reason(String label) {
      this.label = label;
    }
  }

  private final GatewayConfig.Admission bounds;
  private final LongSupplier backlog;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong shedInFlight = new AtomicLong();
  private final AtomicLong shedBacklog = new AtomicLong();

  /**
   * @param backlog the messages stored and not yet answered, now
   */
  public Admission(GatewayConfig.Admission bounds, LongSupplier backlog) {
    this.bounds = requireNonNull(bounds, "bounds is null");
    this.backlog = requireNonNull(backlog, "backlog is null");
  }

  /**
   * Takes the request (the caller must then {@link #leave()} once it is answered), or returns why
   * it is shed (and the caller must not leave).
   */
  Optional<Reason> enter() {
    if (backlog.getAsLong() >= bounds.maxBacklog()) {
      shedBacklog.incrementAndGet();
      return Optional.of(Reason.BACKLOG);
    }
    if (inFlight.incrementAndGet() > bounds.maxInFlight()) {
      inFlight.decrementAndGet();
      shedInFlight.incrementAndGet();
      return Optional.of(Reason.IN_FLIGHT);
    }
    return Optional.empty();
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  /** The value of a shed request's {@code Retry-After}, in whole seconds. */
  String retryAfter() {
    return Long.toString(Math.max(1, bounds.retryAfter().toSeconds()));
  }

  /** Inbound requests being handled now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests shed so far for {@code reason}. */
  public long shed(Reason reason) {
    return switch (reason) {
      case IN_FLIGHT -> shedInFlight.get();
      case BACKLOG -> shedBacklog.get();
    };
  }
}
