package dev.switchboard.plugins.webhook;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import java.time.Clock;
import org.pf4j.Extension;

/** Makes the {@code webhook} channel from the {@code channels.webhook} section. */
@Extension
public final class WebhookChannelFactory implements ChannelFactory {

  @Override
  public String channelType() {
    return "webhook";
  }

  @Override
  public Channel create(Settings settings, ChannelContext context) {
    return new WebhookChannel(WebhookSettings.from(settings), context, Clock.systemUTC());
  }
}
