package dev.switchboard.plugin.api;

import org.pf4j.ExtensionPoint;

/**
 * The extension point of a channel plugin. The gateway finds factories through PF4J, matches them
 * to the {@code channels:} section of its configuration by {@link #channelType()}, and calls {@link
 * #create} once per configured channel.
 */
public interface ChannelFactory extends ExtensionPoint {

  /** The channel type this factory makes, e.g. {@code telegram}; lower case, no spaces. */
  String channelType();

  /**
   * Makes a channel from its settings. Must not connect to anything yet; that is {@link
   * Channel#start()}'s job.
   *
   * @throws ConfigException when a setting is missing or wrong; its message says how to fix it
   */
  Channel create(Settings settings, ChannelContext context);
}
