package dev.switchboard.plugins.discord;

import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.testkit.ChannelConformanceSuite;
import java.nio.file.Path;
import java.util.Map;

/** The Discord channel, with the real JDA against a loopback fake of Discord, passes the suite every channel runs. */
class DiscordConformanceTest extends ChannelConformanceSuite<FakeDiscord> {

  @Override
  protected ChannelFactory factory() {
    return new DiscordChannelFactory();
  }

  @Override
  protected FakeDiscord startPlatform(Path folder) {
    return new FakeDiscord();
  }

  @Override
  protected Map<String, String> settings(FakeDiscord platform) {
    return platform.settings();
  }
}
