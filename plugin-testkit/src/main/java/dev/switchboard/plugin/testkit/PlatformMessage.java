package dev.switchboard.plugin.testkit;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.InboundEvent.Sender;

/**
 * A message the conformance suite asks the fake platform to send to the bot. The platform driver
 * renders it in the platform's own terms (a mention as an {@code @name} entity, a direct message
 * as a private chat, …).
 *
 * @param chat the chat, as the channel will report it in {@code InboundEvent.platformId}
 * @param thread the thread inside the chat, or null
 * @param sender who writes it
 * @param text the text; the suite never puts a mention into it itself
 * @param mention whether the message mentions the bot
 * @param direct whether it is a direct (one-to-one) message to the bot
 * @param replyTo the platform message id it replies to, or null
 * @param attachment a file sent with it, or null
 */
public record PlatformMessage(
    String chat,
    String thread,
    Sender sender,
    String text,
    boolean mention,
    boolean direct,
    String replyTo,
    Attachment attachment) {

  public PlatformMessage {
    requireNonNull(chat, "chat is null");
    requireNonNull(sender, "sender is null");
    requireNonNull(text, "text is null");
  }

  /** A plain message in {@code chat}: no thread, no mention, not direct, no reply, no file. */
  public static PlatformMessage plain(String chat, Sender sender, String text) {
    return new PlatformMessage(chat, null, sender, text, false, false, null, null);
  }

  public PlatformMessage inThread(String thread) {
    return new PlatformMessage(chat, thread, sender, text, mention, direct, replyTo, attachment);
  }

  public PlatformMessage mentioningTheBot() {
    return new PlatformMessage(chat, thread, sender, text, true, direct, replyTo, attachment);
  }

  public PlatformMessage asDirect() {
    return new PlatformMessage(chat, thread, sender, text, mention, true, replyTo, attachment);
  }

  public PlatformMessage replyingTo(String messageId) {
    return new PlatformMessage(chat, thread, sender, text, mention, direct, messageId, attachment);
  }

  public PlatformMessage with(Attachment file) {
    return new PlatformMessage(chat, thread, sender, text, mention, direct, replyTo, file);
  }

  /** A file as the platform holds it. */
  public record Attachment(String name, String mimeType, byte[] content) {
    public Attachment {
      requireNonNull(name, "name is null");
      requireNonNull(mimeType, "mimeType is null");
      content = requireNonNull(content, "content is null").clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }
}
