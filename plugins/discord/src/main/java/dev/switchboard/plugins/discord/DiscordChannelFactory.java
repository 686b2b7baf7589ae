package dev.switchboard.plugins.discord;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import java.time.Clock;
import org.pf4j.Extension;

/** Makes the {@code discord} channel from the {@code channels.discord} section. */
@Extension
public final class DiscordChannelFactory implements ChannelFactory {

  @Override
  public String channelType() {
    return "discord";
  }

  @Override
  public Channel create(Settings settings, ChannelContext context) {
    return new DiscordChannel(DiscordSettings.from(settings), context, Clock.systemUTC());
  }
}
