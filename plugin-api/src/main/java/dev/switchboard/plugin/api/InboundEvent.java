package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat message as a channel hands it to the gateway.
 *
 * @param platformId the chat, as the platform names it (no prefix)
 * @param threadId the thread inside the chat, or null
 * @param messageId the platform's id for this message, unique within the chat; the gateway uses it
 *     to ignore redeliveries. Null when the platform has none: the gateway then makes one up.
 * @param sender who wrote it
 * @param text the text (a caption for media), possibly empty but never null
 * @param timestamp when the platform says it was sent
 * @param addressing how the message addresses the bot (mention, direct message, reply to the bot)
 * @param chat what the channel knows of the chat (name, group or not), or null
 * @param replyTo the message this one replies to, or null
 * @param attachments files that came with it, already downloaded by the channel
 */
public record InboundEvent(
    String platformId,
    String threadId,
    String messageId,
    Sender sender,
    String text,
    Instant timestamp,
    Addressing addressing,
    ChatInfo chat,
    ReplyTo replyTo,
    List<Attachment> attachments) {

  public InboundEvent {
    requireNonNull(platformId, "platformId is null");
    requireNonNull(sender, "sender is null");
    requireNonNull(text, "text is null");
    requireNonNull(timestamp, "timestamp is null");
    requireNonNull(addressing, "addressing is null");
    attachments = List.copyOf(attachments);
    if (platformId.isBlank()) {
      throw new IllegalArgumentException("platformId is blank");
    }
  }

  public static Builder builder(String platformId, Sender sender, String text) {
    return new Builder(platformId, sender, text);
  }

  /** Who wrote a message. {@code name} may be null; {@code bot} marks other bots and the bot. */
  public record Sender(String id, String name, boolean bot) {
    public Sender {
      requireNonNull(id, "id is null");
    }

    public Sender(String id, String name) {
      this(id, name, false);
    }
  }

  /**
   * How a message addresses the bot; any of the three counts as a trigger for wirings that need
   * one.
   */
  public record Addressing(boolean mention, boolean direct, boolean replyToBot) {
    public static final Addressing NONE = new Addressing(false, false, false);

    public boolean any() {
      return mention || direct || replyToBot;
    }
  }

  /** What a channel knows about a chat: its display name (or null) and whether it is a group. */
  public record ChatInfo(String name, boolean group) {}

  /** The message a message replies to. Any field may be null. */
  public record ReplyTo(String messageId, String text, String sender) {}

  /**
   * A file that came with a message, downloaded by the channel into its own data folder. The
   * gateway copies it into the inbox of every session that gets the message.
   */
  public record Attachment(String name, String mimeType, long size, java.nio.file.Path file) {
    public Attachment {
      requireNonNull(name, "name is null");
      requireNonNull(file, "file is null");
    }
  }

  /** Builds an event; only platform id, sender and text are required. */
  public static final class Builder {
    private final String platformId;
    private final Sender sender;
    private final String text;
    private String threadId;
    private String messageId;
    private Instant timestamp;
    private Addressing addressing = Addressing.NONE;
    private ChatInfo chat;
    private ReplyTo replyTo;
    private final List<Attachment> attachments = new ArrayList<>();

    private Builder(String platformId, Sender sender, String text) {
      this.platformId = platformId;
      this.sender = sender;
      this.text = text;
    }

    public Builder threadId(String threadId) {
      this.threadId = threadId;
      return this;
    }

    public Builder messageId(String messageId) {
      this.messageId = messageId;
      return this;
    }

    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder addressing(Addressing addressing) {
      this.addressing = addressing;
      return this;
    }

    public Builder chat(ChatInfo chat) {
      this.chat = chat;
      return this;
    }

    public Builder replyTo(ReplyTo replyTo) {
      this.replyTo = replyTo;
      return this;
    }

    public Builder attachment(Attachment attachment) {
      this.attachments.add(attachment);
      return this;
    }

    public InboundEvent build() {
      return new InboundEvent(
          platformId,
          threadId,
          messageId,
          sender,
          text,
          timestamp == null ? Instant.now() : timestamp,
          addressing,
          chat,
          replyTo,
          attachments);
    }
  }
}
