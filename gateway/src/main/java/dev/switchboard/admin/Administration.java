package dev.switchboard.admin;

import dev.switchboard.config.GatewayConfig;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.Ids;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.Times;
import dev.switchboard.store.Wiring;
import dev.switchboard.store.Wirings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Changes to agent groups and wirings, shared by the config file (applied at every start) and the
 * CLI. Every operation is idempotent. A running gateway reads wirings per message, so changes take
 * effect with the next message, without a restart.
 */
public final class Administration {
  private final CentralDb central;
  private final Clock clock;

  public Administration(CentralDb central, Clock clock) {
    this.central = central;
    this.clock = clock;
  }

  /** Applies the agent groups and wirings the config file declares; idempotent. */
  public void apply(GatewayConfig config) {
    for (GatewayConfig.AgentGroupDeclaration group : config.agentGroups()) {
      putGroup(group.folder(), group.name(), group.provider(), group.admin(), group.containerConfig());
    }
    for (GatewayConfig.WiringDeclaration wiring : config.wirings()) {
      try {
        wire(
            wiring.channel(),
            wiring.chat(),
            wiring.agentGroup(),
            new WiringOptions(wiring.sessionMode(), wiring.scope(), wiring.priority(), wiring.triggerRules()));
      } catch (ConfigException e) {
        throw new ConfigException("wirings: " + e.getMessage());
      }
    }
  }

  /** Adds the group, or updates it if one with this folder exists. Returns its id. */
  public String putGroup(String folder, String name, String provider, boolean admin, String config) {
    WiringSpec.folder(folder);
    String configJson = WiringSpec.containerConfig(config);
    return central.write(
        c -> {
          Optional<AgentGroup> existing = AgentGroups.byFolder(c, folder);
          if (existing.isPresent()) {
            AgentGroup old = existing.get();
            AgentGroups.update(
                c, new AgentGroup(old.id(), name, folder, admin, provider, configJson, old.createdAt()));
            return old.id();
          }
          String id = Ids.newId("ag");
          AgentGroups.insert(c, new AgentGroup(id, name, folder, admin, provider, configJson, now()));
          return id;
        });
  }

  /** Removes a group that nothing refers to any more. */
  public void removeGroup(String folder) {
    central.write(
        c -> {
          AgentGroup group = group(c, folder);
          if (AgentGroups.inUse(c, group.id())) {
            throw new ConfigException(
                "agent group '" + folder + "' still has wirings or sessions; unwire it first");
          }
          AgentGroups.delete(c, group.id());
          return null;
        });
  }

  /** What a wiring says, apart from where it applies. */
  public record WiringOptions(
      String sessionMode, String scope, int priority, String triggerRules) {
    public WiringOptions {
      WiringSpec.sessionMode(sessionMode);
      WiringSpec.scope(scope);
      WiringSpec.triggerRules(triggerRules);
    }
  }

  /**
   * Wires an agent group to a chat ({@code platformId}), or with {@code *} to every chat of the
   * channel seen from now on and every one already seen.
   */
  public void wire(String channelType, String platformId, String folder, WiringOptions options) {
    central.write(
        c -> {
          AgentGroup group = group(c, folder);
          if ("*".equals(platformId)) {
            Wirings.upsertDefault(c, channelType, wiring(null, group.id(), options));
            for (MessagingGroup chat : MessagingGroups.list(c)) {
              if (chat.channelType().equals(channelType)) {
                Wirings.upsert(c, wiring(chat.id(), group.id(), options));
              }
            }
            DestinationAcl.bumpRoutingVersion(c);
            return null;
          }
          MessagingGroup chat = chat(c, channelType, platformId);
          Wirings.upsert(c, wiring(chat.id(), group.id(), options));
          DestinationAcl.bumpRoutingVersion(c);
          return null;
        });
  }

  /** Removes a wiring; returns whether there was one. */
  public boolean unwire(String channelType, String platformId, String folder) {
    return central.write(
        c -> {
          AgentGroup group = group(c, folder);
          if ("*".equals(platformId)) {
            DestinationAcl.bumpRoutingVersion(c);
            return Wirings.deleteDefault(c, channelType, group.id()) > 0;
          }
          Optional<MessagingGroup> chat = MessagingGroups.find(c, channelType, platformId);
          DestinationAcl.bumpRoutingVersion(c);
          return chat.isPresent() && Wirings.delete(c, chat.get().id(), group.id()) > 0;
        });
  }

  /** Lets an agent group send to a chat it is not wired to, under a destination name. */
  public void allowChat(String folder, String name, String channelType, String platformId) {
    destinationName(name);
    central.write(
        c -> {
          AgentGroup group = group(c, folder);
          DestinationAcl.put(
              c, new DestinationAcl.Entry(group.id(), name, "channel", channelType, platformId, null), now());
          return null;
        });
  }

  /** Lets an agent group send to another agent group, under a destination name. */
  public void allowAgent(String folder, String name, String targetFolder) {
    destinationName(name);
    central.write(
        c -> {
          AgentGroup group = group(c, folder);
          AgentGroup target = group(c, targetFolder);
          DestinationAcl.put(
              c, new DestinationAcl.Entry(group.id(), name, "agent", null, null, target.id()), now());
          return null;
        });
  }

  public void removeDestination(String folder, String name) {
    central.write(
        c -> {
          AgentGroup group = group(c, folder);
          if (DestinationAcl.remove(c, group.id(), name) == 0) {
            throw new ConfigException("agent group '" + folder + "' has no destination '" + name + "'");
          }
          return null;
        });
  }

  private static void destinationName(String name) {
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
      throw new ConfigException(
          "destination name '" + name + "' is not valid: use 1-64 lower-case letters, digits, '-' or '_'");
    }
  }

  private Wiring wiring(String messagingGroupId, String agentGroupId, WiringOptions options) {
    return new Wiring(
        Ids.newId("mga"),
        messagingGroupId,
        agentGroupId,
        options.triggerRules(),
        options.scope(),
        options.sessionMode(),
        options.priority(),
        now());
  }

  private MessagingGroup chat(Connection c, String channelType, String platformId) throws SQLException {
    Optional<MessagingGroup> existing = MessagingGroups.find(c, channelType, platformId);
    if (existing.isPresent()) {
      return existing.get();
    }
    MessagingGroup created =
        new MessagingGroup(Ids.newId("mg"), channelType, platformId, null, false, null, now());
    MessagingGroups.insert(c, created);
    return created;
  }

  private static AgentGroup group(Connection c, String folder) throws SQLException {
    return AgentGroups.byFolder(c, folder)
        .orElseThrow(
            () -> new ConfigException(
                "no agent group '" + folder + "'; add it with: ./switchboard groups add " + folder));
  }

  private String now() {
    return Times.format(clock.instant());
  }
}
