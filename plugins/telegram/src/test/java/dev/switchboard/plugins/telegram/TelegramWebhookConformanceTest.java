package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.testkit.ChannelConformanceSuite;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The Telegram channel in webhook mode passes the conformance suite every channel plugin runs. */
class TelegramWebhookConformanceTest extends ChannelConformanceSuite<FakeBotApi> {

  @Override
  protected ChannelFactory factory() {
    return new TelegramChannelFactory();
  }

  @Override
  protected FakeBotApi startPlatform(Path folder) throws IOException {
    return FakeBotApi.webhook();
  }

  @Override
  protected Map<String, String> settings(FakeBotApi platform) {
    return platform.settings();
  }
}
