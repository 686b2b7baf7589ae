package dev.switchboard.plugins.slack;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A started Slack channel over a fake platform and a fake gateway context, for one test. */
final class Running implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final SlackPlatform platform;
  final FakeChannelContext context;
  final Channel channel;
  private final Path dataDir;
  private final Map<String, String> values;
  private volatile boolean handedOver;

  private Running(
      SlackPlatform platform,
      FakeChannelContext context,
      Channel channel,
      Path dataDir,
      Map<String, String> values) {
    this.platform = platform;
    this.context = context;
    this.channel = channel;
    this.dataDir = dataDir;
    this.values = values;
  }

  static Running start(SlackSettings.Mode mode, Path folder) throws Exception {
    return start(mode, folder, Map.of());
  }

  static Running start(SlackSettings.Mode mode, Path folder, Map<String, String> extra)
      throws Exception {
    SlackPlatform platform = new SlackPlatform(mode);
    Map<String, String> values = new HashMap<>(platform.settings());
    values.putAll(extra);
    try {
      return start(platform, folder.resolve("channel"), values);
    } catch (Exception | Error e) {
      platform.close();
      throw e;
    }
  }

  private static Running start(SlackPlatform platform, Path dataDir, Map<String, String> values)
      throws Exception {
    FakeChannelContext context = new FakeChannelContext(dataDir);
    Channel channel =
        new SlackChannelFactory().create(Settings.of("channels.slack", values), context);
    platform.channelCreated(channel);
    try {
      channel.start();
    } catch (Exception | Error e) {
      channel.close();
      throw e;
    }
    return new Running(platform, context, channel, dataDir, values);
  }

  /**
   * Closes this channel and starts a new one with the same settings over the same data folder and
   * the same fake Slack, as after a restart of the gateway; the new one owns the fake from then on.
   * A fresh gateway stand-in remembers nothing this one stored.
   */
  Running restart() throws Exception {
    channel.close();
    handedOver = true;
    return start(platform, dataDir, values);
  }

  /** The channel's data folder. */
  Path dataDir() {
    return dataDir;
  }

  FakeSlack api() {
    return platform.api();
  }

  @Override
  public void close() throws Exception {
    channel.close();
    if (!handedOver) {
      platform.close();
    }
  }
}
