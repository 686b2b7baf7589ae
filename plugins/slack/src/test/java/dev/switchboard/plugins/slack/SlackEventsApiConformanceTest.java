package dev.switchboard.plugins.slack;

import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.testkit.ChannelConformanceSuite;
import java.nio.file.Path;
import java.util.Map;

/** The Slack channel in Events API mode passes the conformance suite every channel plugin runs. */
class SlackEventsApiConformanceTest extends ChannelConformanceSuite<SlackPlatform> {

  @Override
  protected ChannelFactory factory() {
    return new SlackChannelFactory();
  }

  @Override
  protected SlackPlatform startPlatform(Path folder) throws Exception {
    return new SlackPlatform(SlackSettings.Mode.EVENTS);
  }

  @Override
  protected Map<String, String> settings(SlackPlatform platform) {
    return platform.settings();
  }
}
