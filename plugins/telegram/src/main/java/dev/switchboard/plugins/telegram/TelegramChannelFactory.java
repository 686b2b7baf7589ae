package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import java.time.Clock;
import org.pf4j.Extension;

/** Makes the {@code telegram} channel from the {@code channels.telegram} section. */
@Extension
public final class TelegramChannelFactory implements ChannelFactory {

  @Override
  public String channelType() {
    return "telegram";
  }

  @Override
  public Channel create(Settings settings, ChannelContext context) {
    return new TelegramChannel(TelegramSettings.from(settings), context, Clock.systemUTC());
  }
}
