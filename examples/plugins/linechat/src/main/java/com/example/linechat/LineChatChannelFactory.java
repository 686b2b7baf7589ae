package com.example.linechat;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.Settings;
import org.pf4j.Extension;

/** Makes the {@code linechat} channel from the {@code channels.linechat} section of the config. */
@Extension
public final class LineChatChannelFactory implements ChannelFactory {

  @Override
  public String channelType() {
    return "linechat";
  }

  @Override
  public Channel create(Settings settings, ChannelContext context) {
    return new LineChatChannel(LineChatSettings.from(settings), context);
  }
}
