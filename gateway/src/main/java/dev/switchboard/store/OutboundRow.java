package dev.switchboard.store;

/** A row of a session's {@code messages_out}, as the agent wrote it. */
public record OutboundRow(
    String id,
    long seq,
    String inReplyTo,
    String timestamp,
    String deliverAfter,
    String recurrence,
    String kind,
    String platformId,
    String channelType,
    String threadId,
    String content) {}
