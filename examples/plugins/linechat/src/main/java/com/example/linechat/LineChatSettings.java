package com.example.linechat;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The channel's settings.
 *
 * @param address the chat server, {@code host:port} (REQUIRED)
 * @param token the bot's token (REQUIRED; or the environment variable {@code LINECHAT_TOKEN})
 * @param timeout how long connecting and each answer of the server may take (OPTIONAL, 5s)
 */
record LineChatSettings(InetSocketAddress address, String token, Duration timeout) {

  static LineChatSettings from(Settings settings) {
    String address = settings.require("address");
    int colon = address.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon < 1 || port < 1 || port > 65535) {
      throw new ConfigException(
          settings.section() + ".address must be host:port, e.g. 127.0.0.1:7000; was " + address);
    }
    return new LineChatSettings(
        InetSocketAddress.createUnresolved(address.substring(0, colon), port),
        settings.require("token", "LINECHAT_TOKEN"),
        settings.getDuration("timeout", Duration.ofSeconds(5)));
  }

  // Records print every component; the token must never reach a log.
  @Override
  public String toString() {
    return "LineChatSettings[address=" + address + ", token=****, timeout=" + timeout + "]";
  }
}
