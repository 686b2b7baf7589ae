package dev.switchboard.plugins.discord;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.InboundEvent.ChatInfo;
import dev.switchboard.plugin.api.InboundEvent.ReplyTo;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugins.discord.ChatCursors.Kind;
import dev.switchboard.plugins.discord.DiscordSettings.BotMessages;
import java.util.List;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageReference;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.channel.unions.MessageChannelUnion;
import net.dv8tion.jda.api.entities.MessageType;

/**
 * Translates a Discord message into an {@link InboundEvent}, without I/O: the attachments come in
 * already downloaded. A message in a thread belongs to the thread's parent channel (the platform
 * id) and names the thread (the thread id); a direct message's platform id is its DM channel.
 */
final class DiscordInbound {

  private DiscordInbound() {}

  /** The bot as the translation needs it: its user id and its name. */
  record Bot(String id, String name) {}

  /** Whether a message is one the agents should see at all. */
  static boolean accepts(Message message, String botId, BotMessages botMessages) {
    User author = message.getAuthor();
    if (author.getId().equals(botId)) {
      return false;
    }
    if ((author.isBot() || message.isWebhookMessage()) && botMessages == BotMessages.IGNORE) {
      return false;
    }
    // Joins, pins, thread creations and the like are notices, not messages.
    MessageType type = message.getType();
    return type == MessageType.DEFAULT || type == MessageType.INLINE_REPLY;
  }

  /** The kind of Discord channel a message was written in, for the catch-up state. */
  static Kind kind(MessageChannel channel) {
    ChannelType type = channel.getType();
    if (type == ChannelType.PRIVATE) {
      return Kind.DIRECT;
    }
    return type.isThread() ? Kind.THREAD : Kind.TEXT;
  }

  /**
   * @param text the message's text with any notes about files left out already appended
   * @param files the attachments downloaded
   */
  static InboundEvent event(Message message, Bot bot, String text, List<Attachment> files) {
    MessageChannelUnion channel = message.getChannel();
    Kind kind = kind(channel);
    String platformId = kind == Kind.THREAD ? parentOf(channel.asThreadChannel()) : channel.getId();
    User author = message.getAuthor();
    InboundEvent.Builder builder =
        InboundEvent.builder(
                platformId,
                new Sender(author.getId(), author.getEffectiveName(), author.isBot()),
                DiscordFormat.withBotMention(text, bot.id(), bot.name()))
            .threadId(kind == Kind.THREAD ? channel.getId() : null)
            .messageId(message.getId())
            .timestamp(message.getTimeCreated().toInstant())
            .addressing(addressing(message, bot, kind))
            .chat(chat(message, kind))
            .replyTo(replyTo(message));
    files.forEach(builder::attachment);
    return builder.build();
  }

  private static String parentOf(ThreadChannel thread) {
    return thread.getParentChannel().getId();
  }

  static Addressing addressing(Message message, Bot bot, Kind kind) {
    boolean mention =
        message.getMentions().getUsers().stream().anyMatch(u -> u.getId().equals(bot.id()))
            || mentionsBotRole(message, bot.id());
    return new Addressing(mention, kind == Kind.DIRECT, repliesTo(message, bot.id()));
  }

  // A bot invited with permissions gets a role of its own in each server ("managed"); people
  // often pick it from the @ list instead of the bot's user.
  private static boolean mentionsBotRole(Message message, String botId) {
    if (!message.isFromGuild()) {
      return false;
    }
    long bot = Long.parseUnsignedLong(botId);
    return message.getMentions().getRoles().stream()
        .anyMatch(role -> role.isManaged() && role.getTags().getBotIdLong() == bot);
  }

  private static boolean repliesTo(Message message, String botId) {
    Message referenced = message.getReferencedMessage();
    return referenced != null && referenced.getAuthor().getId().equals(botId);
  }

  private static ChatInfo chat(Message message, Kind kind) {
    if (kind == Kind.DIRECT) {
      return new ChatInfo("DM with " + message.getAuthor().getEffectiveName(), false);
    }
    String name =
        kind == Kind.THREAD
            ? message.getChannel().asThreadChannel().getParentChannel().getName()
            : message.getChannel().getName();
    return new ChatInfo(message.getGuild().getName() + " #" + name, true);
  }

  private static ReplyTo replyTo(Message message) {
    MessageReference reference = message.getMessageReference();
    if (reference == null || message.getType() != MessageType.INLINE_REPLY) {
      return null;
    }
    Message referenced = message.getReferencedMessage();
    return new ReplyTo(
        reference.getMessageId(),
        referenced == null ? null : referenced.getContentRaw(),
        referenced == null ? null : referenced.getAuthor().getEffectiveName());
  }
}
