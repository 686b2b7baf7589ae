package com.example.linechat;

import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.testkit.ChannelConformanceSuite;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The linechat channel against a linechat server on loopback, through every check of the kit. */
class LineChatConformanceTest extends ChannelConformanceSuite<LineChatServer> {

  @Override
  protected ChannelFactory factory() {
    return new LineChatChannelFactory();
  }

  @Override
  protected LineChatServer startPlatform(Path folder) throws IOException {
    return new LineChatServer();
  }

  @Override
  protected Map<String, String> settings(LineChatServer server) {
    return Map.of("address", server.address(), "token", LineChatServer.TOKEN);
  }
}
