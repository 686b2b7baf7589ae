package dev.switchboard.plugins.slack;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import java.time.Clock;
import org.pf4j.Extension;

/** Makes the {@code slack} channel from the {@code channels.slack} section. */
@Extension
public final class SlackChannelFactory implements ChannelFactory {

  @Override
  public String channelType() {
    return "slack";
  }

  @Override
  public Channel create(Settings settings, ChannelContext context) {
    return new SlackChannel(SlackSettings.from(settings), context, Clock.systemUTC());
  }
}
