package dev.switchboard.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The gateway's settings, validated. Built by {@link ConfigLoader} from {@code
 * config/switchboard.yaml} and the environment; {@code config/switchboard.example.yaml} documents
 * every key.
 */
public record GatewayConfig(
    Path dataDir,
    Path pluginsDir,
    Http http,
    ZoneId timezone,
    Map<String, ChannelSection> channels,
    Agents agents,
    DeliverySettings delivery,
    List<AgentGroupDeclaration> agentGroups,
    List<WiringDeclaration> wirings,
    Conversations conversations,
    Map<String, String> environment) {

  public GatewayConfig {
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(pluginsDir, "pluginsDir is null");
    requireNonNull(http, "http is null");
    requireNonNull(timezone, "timezone is null");
    channels = Map.copyOf(channels);
    requireNonNull(agents, "agents is null");
    requireNonNull(delivery, "delivery is null");
    agentGroups = List.copyOf(agentGroups);
    wirings = List.copyOf(wirings);
    requireNonNull(conversations, "conversations is null");
    environment = Map.copyOf(environment);
  }

  /**
   * Rules for what passes between chats and agents besides plain messages.
   *
   * @param adminOnlyCommands chat commands only a chat's admin may use (in chats with an admin)
   * @param questionExpiry how long an agent's question stays open for answers
   * @param maxInboundFileBytes largest attachment passed on to an agent
   * @param maxOutboundFileBytes largest file an agent may send
   */
  public record Conversations(
      List<String> adminOnlyCommands,
      Duration questionExpiry,
      long maxInboundFileBytes,
      long maxOutboundFileBytes) {
    public Conversations {
      adminOnlyCommands = List.copyOf(adminOnlyCommands);
    }
  }

  /** The HTTP server. {@code port} 0 picks a free port. */
  public record Http(String host, int port, long maxBodyBytes, Admission admission) {
    public Http {
      requireNonNull(admission, "admission is null");
    }

    /** A server with the default admission bounds. */
    public Http(String host, int port, long maxBodyBytes) {
      this(host, port, maxBodyBytes, Admission.DEFAULTS);
    }
  }

  /**
   * When inbound webhook requests are shed with {@code 503} and {@code Retry-After}.
   *
   * @param maxInFlight inbound requests handled at once; one more is shed
   * @param maxBacklog stored messages not yet answered (agents' unfinished inbound rows plus due
   *     replies not yet delivered) at or past which inbound requests are shed
   * @param retryAfter what a shed request's {@code Retry-After} asks for
   */
  public record Admission(int maxInFlight, int maxBacklog, Duration retryAfter) {
    public static final Admission DEFAULTS = new Admission(32, 1000, Duration.ofSeconds(2));

    public Admission {
      requireNonNull(retryAfter, "retryAfter is null");
    }
  }

  /** One channel's section: whether it runs, and its own settings, flattened. */
  public record ChannelSection(boolean enabled, Map<String, String> settings) {
    public ChannelSection {
      settings = Map.copyOf(settings);
    }
  }

  /** The agent supervisor and the providers' own sections. */
  public record Agents(
      int maxRunning,
      Duration idleTimeout,
      Duration heartbeatTimeout,
      Duration stopGrace,
      int maxTries,
      Map<String, Map<String, String>> providers,
      Duration retryBackoff) {
    public Agents {
      providers = Map.copyOf(providers);
    }

    /** Settings with the default retry backoff (5 s). */
    public Agents(
        int maxRunning,
        Duration idleTimeout,
        Duration heartbeatTimeout,
        Duration stopGrace,
        int maxTries,
        Map<String, Map<String, String>> providers) {
      this(maxRunning, idleTimeout, heartbeatTimeout, stopGrace, maxTries, providers, Duration.ofSeconds(5));
    }
  }

  /** Retry policy of the delivery part, and per-channel rate-limit overrides. */
  public record DeliverySettings(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration pollInterval,
      Map<String, RateOverride> rateLimits) {
    public DeliverySettings {
      rateLimits = Map.copyOf(rateLimits);
    }
  }

  /** A channel's per-chat pace, overriding the channel's own default. */
  public record RateOverride(int burst, Duration interval) {}

  /** An agent group declared in the config file, applied at start. */
  public record AgentGroupDeclaration(
      String folder, String name, String provider, boolean admin, String containerConfig) {}

  /**
   * A wiring declared in the config file. {@code chat} {@code *} means every new chat of the
   * channel.
   */
  public record WiringDeclaration(
      String channel,
      String chat,
      String agentGroup,
      String sessionMode,
      String scope,
      int priority,
      String triggerRules) {}
}
