package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An event from another system for the agents of a chat, rather than a message someone wrote: a
 * build finished, an order shipped. The gateway stores it for the chat's sessions as an inbound row
 * of kind {@code webhook} with the content {@code {"source", "event", "payload"}}. A channel hands
 * it to {@link ChannelContext#submitEvent}.
 *
 * @param platformId the chat whose agents get the event
 * @param threadId the thread inside the chat, or null
 * @param eventId the sender's id for this event, unique within the chat, so that a redelivered
 *     event is stored once; null when it has none (the gateway then makes one up)
 * @param source what sent it, e.g. {@code github}
 * @param event what happened, e.g. {@code push}
 * @param payloadJson the event's data, as JSON text (any JSON value)
 * @param timestamp when it happened, or when it arrived
 */
public record IntegratorEvent(
    String platformId,
    String threadId,
    String eventId,
    String source,
    String event,
    String payloadJson,
    Instant timestamp) {

  public IntegratorEvent {
    requireNonNull(platformId, "platformId is null");
    requireNonNull(source, "source is null");
    requireNonNull(event, "event is null");
    requireNonNull(payloadJson, "payloadJson is null");
    requireNonNull(timestamp, "timestamp is null");
    if (platformId.isBlank()) {
      throw new IllegalArgumentException("platformId is blank");
    }
  }
}
