package dev.switchboard.plugin.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One platform connection. The gateway calls {@link #start()} once, {@link #deliver} from its
 * delivery workers (concurrently for different chats, never concurrently for one chat), and {@link
 * #close()} once at shutdown.
 *
 * <p>Inbound: a channel translates each platform event into an {@link InboundEvent} and hands it to
 * {@link ChannelContext#submit}, which returns only once the event is durably stored. Only then may
 * the channel acknowledge the platform. Platform callback threads hand events over and return; they
 * never wait on an agent.
 */
public interface Channel extends AutoCloseable {

  /** Connects to the platform. A failure marks this channel failed; other channels go on. */
  void start() throws Exception;

  /**
   * Sends one outbound message. Never throws for a platform failure: the failure is classified
   * once, here, into a {@link DeliveryResult.Failure}; the gateway alone decides about retries.
   */
  DeliveryResult deliver(OutboundMessage message);

  /** Stops taking input and releases every thread and connection the channel made. */
  @Override
  void close();

  /** What this channel can deliver beyond plain text. */
  default Set<Capability> capabilities() {
    return Set.of(Capability.TEXT);
  }

  /**
   * HTTP routes this channel serves under {@code /webhooks/<channel type>/}. Called once, after
   * {@link ChannelFactory#create} and before {@link #start()}.
   */
  default List<WebhookRoute> webhookRoutes() {
    return List.of();
  }

  /** The default pace of outbound messages to one chat; configuration may override it. */
  default RateLimit rateLimit() {
    return RateLimit.UNLIMITED;
  }

  /**
   * The default pace of outbound messages to one group chat (a chat whose messaging group is a
   * group), for platforms that allow a group less than a direct chat. A chat the gateway has not
   * seen yet is paced as a group. Configuration that overrides {@link #rateLimit()} overrides this
   * too.
   */
  default RateLimit groupRateLimit() {
    return rateLimit();
  }

  /** The pace of every outbound message of this channel together, whatever its chat. */
  default RateLimit channelRateLimit() {
    return RateLimit.UNLIMITED;
  }

  /**
   * A hint that an agent is working on a message in this chat: channels that can show a typing
   * indicator do so ({@link Capability#TYPING}). The gateway repeats it every few seconds while the
   * agent works. Must not block or throw.
   */
  default void typing(String platformId, String threadId) {}

  /** A current problem worth showing on {@code /ready} (e.g. "reconnecting"), or empty. */
  default Optional<String> problem() {
    return Optional.empty();
  }
}
