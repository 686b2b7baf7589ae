package dev.switchboard.plugins.webhook;

import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.testkit.ChannelConformanceSuite;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The webhook channel passes the conformance suite every channel plugin runs. */
class WebhookConformanceTest extends ChannelConformanceSuite<WebhookPlatform> {

  @Override
  protected ChannelFactory factory() {
    return new WebhookChannelFactory();
  }

  @Override
  protected WebhookPlatform startPlatform(Path folder) throws IOException {
    return new WebhookPlatform();
  }

  @Override
  protected Map<String, String> settings(WebhookPlatform platform) {
    return Map.of("token", WebhookPlatform.TOKEN, "callbackUrl", platform.callbackUrl());
  }
}
