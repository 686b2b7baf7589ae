package dev.switchboard.plugin.api;

import java.nio.file.Path;

/** What the gateway offers a channel. The gateway implements it; plugins only call it. */
public interface ChannelContext {

  /**
   * Stores an inbound event: routes it to the sessions whose wirings take it, or records it as
   * dropped. Returns only after the event is durably stored, so the channel may then acknowledge
   * the platform. A redelivered event (same chat and message id) comes back as {@link
   * InboundOutcome.Duplicate} and is not stored twice.
   *
   * @throws StoreUnavailableException when the event could not be stored (e.g. the disk is full);
   *     the channel must not acknowledge the platform then, so that the platform sends it again
   */
  InboundOutcome submit(InboundEvent event);

  /**
   * Stores the answer to a question this channel delivered, for the session that asked it. Like
   * {@link #submit}, it returns only once the answer is durably stored (or recorded as dropped,
   * e.g. for an unknown or expired question); only then may the channel acknowledge the platform
   * (answer the button press). A redelivered answer (same chat and answer id) comes back as {@link
   * InboundOutcome.Duplicate}.
   *
   * <p>A default method, so that contexts written before it still compile; a gateway that takes
   * answers overrides it.
   *
   * @throws StoreUnavailableException when the answer could not be stored; do not acknowledge then
   * @throws UnsupportedOperationException when this gateway does not take answers to questions
   */
  default InboundOutcome submitAnswer(QuestionAnswer answer) {
    throw new UnsupportedOperationException("this gateway does not take answers to questions");
  }

  /**
   * Stores an event from another system for the agents of a chat ({@link IntegratorEvent}), as
   * {@link #submit} stores a message: durably before it returns, once per chat and event id, for
   * the sessions of the chat's wirings (their trigger rules on text and mentions do not apply).
   *
   * <p>A default method, so that contexts written before it still compile.
   *
   * @throws StoreUnavailableException when the event could not be stored; do not acknowledge then
   * @throws UnsupportedOperationException when this gateway does not take such events
   */
  default InboundOutcome submitEvent(IntegratorEvent event) {
    throw new UnsupportedOperationException("this gateway does not take integrator events");
  }

  /**
   * A folder that belongs to this channel alone, for state it must keep across restarts (poll
   * offsets, its own message logs). It exists when the channel is created.
   */
  Path dataDir();
}
