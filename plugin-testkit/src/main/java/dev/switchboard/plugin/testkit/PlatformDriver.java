package dev.switchboard.plugin.testkit;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The conformance suite's handle on a channel plugin's fake platform: a loopback stand-in for the
 * platform's servers that the plugin's tests own. The suite uses it to make the platform send the
 * bot messages, to script how the platform answers the bot's sends, and to read what it received.
 * A plugin writes one for its platform; ids and names it hands out must be ones the platform
 * accepts (numeric chat ids on Telegram, say).
 */
public interface PlatformDriver extends AutoCloseable {

  /** What the platform can send a bot; the suite skips the checks of features a platform lacks. */
  enum Feature {
    THREADS,
    MENTIONS,
    DIRECT_MESSAGES,
    REPLIES,
    ATTACHMENTS,
    /** Pressing a button under a question, which the channel hands back as an answer. */
    BUTTON_PRESSES
  }

  /** The inbound features this platform has. */
  Set<Feature> features();

  /**
   * Called each time the suite has made a channel, before it starts it: for platforms that reach
   * the channel through its webhook routes.
   */
  default void channelCreated(Channel channel) {}

  /** A group chat the bot is in. */
  default String groupChat() {
    return "conformance-group";
  }

  /** The chat of direct messages between {@link #user()} and the bot. */
  default String directChat() {
    return "conformance-direct";
  }

  /** A thread inside {@link #groupChat()}. */
  default String thread() {
    return "conformance-thread";
  }

  /** A person who writes to the bot. */
  default Sender user() {
    return new Sender("conformance-user", "Ada");
  }

  /**
   * Makes the platform send the bot {@code message}, as a new platform event. Returns the
   * platform's id of the message, which the channel must report as {@code InboundEvent.messageId}.
   * It may return before the channel has taken the event; the suite waits for it.
   */
  String send(PlatformMessage message) throws Exception;

  /**
   * Makes the platform send again the very event that carried the message with this id, as
   * platforms do when they are not sure the bot got it.
   */
  void redeliver(String messageId) throws Exception;

  /**
   * Presses the button labelled {@code label} under a question the platform received, as {@code
   * user}.
   *
   * @throws UnsupportedOperationException when the platform has no buttons ({@link
   *     Feature#BUTTON_PRESSES} is not among the features)
   */
  default void pressButton(ReceivedMessage question, String label, Sender user) throws Exception {
    throw new UnsupportedOperationException("this platform has no buttons to press");
  }

  /** Everything the platform accepted from the bot so far, oldest first. */
  List<ReceivedMessage> received() throws Exception;

  /** The most characters one message may hold on this platform, or empty when there is no limit. */
  OptionalInt maxTextLength();

  /** Makes the platform refuse the next message the bot sends, as {@code failure} says. */
  void failNextSend(PlatformFailure failure);

  /**
   * Whether a thread is the fake platform's own (its server's), not the channel's: the suite's
   * thread leak check ignores these.
   */
  default boolean ownsThread(Thread thread) {
    return false;
  }

  /**
   * Whether a virtual thread is the fake platform's own, not the channel's: the suite's thread leak
   * check ignores these. By default those running code of the driver's class or a class nested in
   * it; a fake whose servers run elsewhere says so here.
   */
  default boolean ownsVirtualThread(VirtualThreadView thread) {
    return thread.runs(getClass());
  }
}
