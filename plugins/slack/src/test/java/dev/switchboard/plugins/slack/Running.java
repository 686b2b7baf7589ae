package dev.switchboard.plugins.slack;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A started Slack channel over a fake platform and a fake gateway context, for one test. */
final class Running implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final SlackPlatform platform;
  final FakeChannelContext context;
  final Channel channel;

  private Running(SlackPlatform platform, FakeChannelContext context, Channel channel) {
    this.platform = platform;
    this.context = context;
    this.channel = channel;
  }

  static Running start(SlackSettings.Mode mode, Path folder) throws Exception {
    return start(mode, folder, Map.of());
  }

  static Running start(SlackSettings.Mode mode, Path folder, Map<String, String> extra)
      throws Exception {
    SlackPlatform platform = new SlackPlatform(mode);
    FakeChannelContext context = new FakeChannelContext(folder.resolve("channel"));
    java.util.HashMap<String, String> values = new java.util.HashMap<>(platform.settings());
    values.putAll(extra);
    Channel channel =
        new SlackChannelFactory().create(Settings.of("channels.slack", values), context);
    platform.channelCreated(channel);
    try {
      channel.start();
    } catch (Exception e) {
      channel.close();
      platform.close();
      throw e;
    }
    return new Running(platform, context, channel);
  }

  FakeSlack api() {
    return platform.api();
  }

  @Override
  public void close() throws Exception {
    channel.close();
    platform.close();
  }
}
