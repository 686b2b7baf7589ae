package dev.switchboard.delivery;

import dev.switchboard.plugin.api.Channel;
import java.util.Optional;

/** Where the delivery part finds channels; the plugin host implements it. */
public interface ChannelDirectory {

  /** The channel of this type if it is running. */
  Optional<Channel> running(String channelType);

  /** Whether a channel of this type is configured at all (running or not). */
  boolean configured(String channelType);
}
