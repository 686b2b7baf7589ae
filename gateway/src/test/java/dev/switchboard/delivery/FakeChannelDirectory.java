package dev.switchboard.delivery;

import dev.switchboard.plugin.api.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Channels by type; a type can be configured but not (yet) running. */
final class FakeChannelDirectory implements ChannelDirectory {
  private final Map<String, Channel> running = new ConcurrentHashMap<>();
  private final Set<String> configured = ConcurrentHashMap.newKeySet();

  FakeChannelDirectory run(String channelType, Channel channel) {
    configured.add(channelType);
    running.put(channelType, channel);
    return this;
  }

  FakeChannelDirectory configureOnly(String channelType) {
    configured.add(channelType);
    return this;
  }

  @Override
  public Optional<Channel> running(String channelType) {
    return Optional.ofNullable(running.get(channelType));
  }

  @Override
  public boolean configured(String channelType) {
    return configured.contains(channelType);
  }
}
