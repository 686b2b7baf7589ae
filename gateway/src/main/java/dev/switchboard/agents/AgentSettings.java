package dev.switchboard.agents;

import java.time.Duration;
import java.time.ZoneId;

/**
 * How the supervisor runs agents.
 *
 * @param maxRunning agents running at once; further wakes queue in order
 * @param idleTimeout an agent with nothing to do for this long is stopped
 * @param heartbeatTimeout an agent with work whose heartbeat is older than this is restarted
 * @param stopGrace how long an agent may take to stop before it is forced
 * @param maxTries times a row is retried after the agent died on it before it is marked failed
 * @param timezone the gateway's time zone, given to agents as {@code TZ}
 */
public record AgentSettings(
    int maxRunning,
    Duration idleTimeout,
    Duration heartbeatTimeout,
    Duration stopGrace,
    int maxTries,
    ZoneId timezone) {}
