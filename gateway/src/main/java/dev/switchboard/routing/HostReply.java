package dev.switchboard.routing;

/**
 * A short message from the gateway itself to a chat (a refused command, a file that was too large),
 * sent straight through the chat's channel rather than by an agent.
 */
public record HostReply(
    String channelType, String platformId, String threadId, String replyToMessageId, String text) {}
