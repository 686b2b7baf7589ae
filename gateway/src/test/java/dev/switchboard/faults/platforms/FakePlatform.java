package dev.switchboard.faults.platforms;

import dev.switchboard.GatewayProcess;
import java.time.Duration;
import java.util.List;

/**
 * A loopback fake of one chat platform's API, as {@link PlatformBurstsTest} drives it: the real
 * channel plugin, inside the real gateway process, is pointed at it; messages are posted to the
 * channel the way the platform delivers them; sends are answered as its {@link Bursts} say.
 */
interface FakePlatform extends AutoCloseable {
  /** The platform's name, for the report: "Telegram". */
  String name();

  /** The channel type, the key of its section under {@code channels}. */
  String channelType();

  /** The client library inside the plugin jar that talks to the platform. */
  String library();

  /** The platform id of chat number {@code n} (from 0). */
  String chatId(int n);

  /** The channel's config section, pointed at this fake, with {@code timeout} for a request. */
  String channelConfig(Duration timeout);

  /** Posts message {@code number} of {@code chat} to the channel, as the platform delivers one. */
  void post(GatewayProcess gateway, String chat, int number, String text) throws Exception;

  /** Requests the fake did not expect or could not serve. */
  List<String> problems();
}
