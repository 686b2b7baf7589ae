package dev.switchboard.agents;

import java.time.Duration;
import java.time.ZoneId;

/**
 * How the supervisor runs agents.
 *
 * @param maxRunning agents running at once; further wakes queue in order
 * @param idleTimeout an agent with nothing to do for this long is stopped
 * @param heartbeatTimeout an agent with work whose heartbeat is older than this is restarted, and
 *     so is one that leaves due rows untaken (no ack) for this long while writing nothing
 * @param stopGrace how long an agent may take to stop before it is forced
 * @param maxTries times a row is retried after the agent died on it before it is marked failed
 * @param timezone the gateway's time zone, given to agents as {@code TZ}
 * @param retryBackoff the wait before a row's first retry; doubled for each further one
 */
public record AgentSettings(
    int maxRunning,
    Duration idleTimeout,
    Duration heartbeatTimeout,
    Duration stopGrace,
    int maxTries,
    ZoneId timezone,
    Duration retryBackoff) {
  /** The default wait before a row's first retry. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(5);

  public AgentSettings {
    if (retryBackoff == null || retryBackoff.isNegative() || retryBackoff.isZero()) {
      throw new IllegalArgumentException("retryBackoff must be positive: " + retryBackoff);
    }
  }

  /** Settings with the default retry backoff (5 s). */
  public AgentSettings(
      int maxRunning,
      Duration idleTimeout,
      Duration heartbeatTimeout,
      Duration stopGrace,
      int maxTries,
      ZoneId timezone) {
    this(maxRunning, idleTimeout, heartbeatTimeout, stopGrace, maxTries, timezone, DEFAULT_RETRY_BACKOFF);
  }
}
