package dev.switchboard.routing;

import java.time.Duration;
import java.util.Set;

/**
 * Rules the router applies before wirings.
 *
 * @param adminOnlyCommands chat commands (e.g. {@code /clear}) that only a chat's admin may use,
 *     in chats that have an admin
 * @param questionExpiry how long a question stays open for answers
 * @param maxInboundFileBytes attachments larger than this are not stored; the agent and the sender
 *     are told
 */
public record RoutingSettings(
    Set<String> adminOnlyCommands, Duration questionExpiry, long maxInboundFileBytes) {
  public static final RoutingSettings DEFAULTS =
      new RoutingSettings(Set.of("/clear"), Duration.ofDays(7), 20L * 1024 * 1024);

  public RoutingSettings {
    adminOnlyCommands = Set.copyOf(adminOnlyCommands);
  }
}
