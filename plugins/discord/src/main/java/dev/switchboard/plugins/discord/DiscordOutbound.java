package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.Message.MentionType;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.entities.emoji.RichCustomEmoji;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.restaction.MessageCreateAction;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one outbound message through JDA and classifies what goes wrong.
 *
 * <p>Requests go out with {@code complete(false)}: JDA then hands a rate limit back as a {@link
 * RateLimitedException} carrying Discord's retry-after instead of waiting on it itself, so that the
 * delivery part, which paces every chat, decides when to try again.
 */
final class DiscordOutbound {
  private static final Logger log = LoggerFactory.getLogger(DiscordOutbound.class);
  /** Discord takes at most 10 files and 25 buttons (5 rows of 5) on one message. */
  static final int MAX_FILES = 10;

  static final int MAX_BUTTONS = 25;

  // Agents may write @someone, never @everyone, @here or a role mention that pings a crowd.
  private static final EnumSet<MentionType> ALLOWED_MENTIONS = EnumSet.of(MentionType.USER);
  private static final Pattern CUSTOM_EMOJI = Pattern.compile("<?(a)?:?([\\w~]{2,32}):(\\d{15,21})>?");
  private static final Pattern EMOJI_NAME = Pattern.compile(":?([\\w~]{2,32}):?");

  private final QuestionButtons buttons;

  DiscordOutbound(QuestionButtons buttons) {
    this.buttons = requireNonNull(buttons, "buttons is null");
  }

  /** Sends {@code message} to {@code target} (the chat, or the thread inside it). */
  DeliveryResult send(MessageChannel target, OutboundMessage message) {
    try {
      return switch (message.content()) {
        case Text text -> text(target, message, text);
        case Edit edit -> edit(target, edit);
        case Reaction reaction -> react(target, reaction);
        case Question question -> ask(target, message, question);
      };
    } catch (RateLimitedException | RuntimeException e) {
      return DiscordFailures.classify(e);
    }
  }

  private DeliveryResult text(MessageChannel target, OutboundMessage message, Text text)
      throws RateLimitedException {
    List<String> parts = new ArrayList<>(DiscordFormat.messages(text.text(), text.markdown()));
    List<OutboundContent.File> files = text.files();
    if (files.size() > MAX_FILES) {
      return new Permanent("Discord takes at most " + MAX_FILES + " files on one message, got " + files.size());
    }
    if (parts.isEmpty()) {
      if (files.isEmpty()) {
        return new Permanent("the message has neither text nor files");
      }
      parts.add("");
    }
    String first = null;
    for (int i = 0; i < parts.size(); i++) {
      MessageCreateBuilder data =
          new MessageCreateBuilder().setContent(parts.get(i)).setAllowedMentions(ALLOWED_MENTIONS);
      if (i == parts.size() - 1) {
        // The files go with the last part, so that they come after all of the text.
        files.forEach(f -> data.addFiles(FileUpload.fromData(f.path().toFile(), f.name())));
      }
      MessageCreateAction action = target.sendMessage(data.build()).setNonce(nonce(message.id(), i));
      if (i == 0 && message.replyToMessageId() != null) {
        // A reply to a message deleted meanwhile still goes out, without the reference.
        action = action.setMessageReference(message.replyToMessageId()).failOnInvalidReply(false);
      }
      Message sent = action.complete(false);
      if (first == null) {
        first = sent.getId();
      }
    }
    return new Delivered(first);
  }

  private DeliveryResult edit(MessageChannel target, Edit edit) throws RateLimitedException {
    Optional<DiscordFormat.Edited> edited = DiscordFormat.edited(edit.text());
    if (edited.isEmpty()) {
      return new Permanent("Discord cannot edit a message to empty text");
    }
    if (edited.get().cut()) {
      log.warn(
          "The edit of Discord message {} has {} characters, over Discord's {}: it keeps its first {}"
              + " and ends in an ellipsis",
          edit.platformMessageId(),
          edit.text().length(),
          DiscordFormat.MAX_MESSAGE_LENGTH,
          edited.get().text().length() - 1);
    }
    target.editMessageById(edit.platformMessageId(), edited.get().text())
        .setAllowedMentions(ALLOWED_MENTIONS)
        .complete(false);
    return new Delivered(edit.platformMessageId());
  }

  private DeliveryResult react(MessageChannel target, Reaction reaction) throws RateLimitedException {
    Emoji emoji = emoji(target, reaction.emoji());
    if (emoji == null) {
      return new Permanent("no custom emoji named '" + reaction.emoji() + "' in this server");
    }
    target.addReactionById(reaction.platformMessageId(), emoji).complete(false);
    return new Delivered(reaction.platformMessageId());
  }

  private DeliveryResult ask(MessageChannel target, OutboundMessage message, Question question)
      throws RateLimitedException {
    if (question.options().isEmpty() || question.options().size() > MAX_BUTTONS) {
      return new Permanent("a Discord question needs 1 to " + MAX_BUTTONS + " options, got " + question.options().size());
    }
    List<Button> row = new ArrayList<>();
    for (OutboundContent.Option option : question.options()) {
      row.add(
          Button.secondary(
              buttons.customId(question.questionId(), option.value()),
              DiscordFormat.buttonLabel(option.label())));
    }
    MessageCreateBuilder data =
        new MessageCreateBuilder()
            .setContent(DiscordFormat.question(question.title(), question.question()))
            .setAllowedMentions(ALLOWED_MENTIONS)
            .setComponents(ActionRow.partitionOf(row));
    MessageCreateAction action = target.sendMessage(data.build()).setNonce(nonce(message.id(), 0));
    if (message.replyToMessageId() != null) {
      action = action.setMessageReference(message.replyToMessageId()).failOnInvalidReply(false);
    }
    return new Delivered(action.complete(false).getId());
  }

  /**
   * The emoji to react with: a Unicode emoji as written, a custom one as {@code <:name:id>},
   * {@code name:id} or, looked up in the chat's server, its bare {@code name} or {@code :name:}.
   */
  private static Emoji emoji(MessageChannel target, String text) throws RateLimitedException {
    String trimmed = text.strip();
    Matcher custom = CUSTOM_EMOJI.matcher(trimmed);
    if (custom.matches()) {
      return Emoji.fromCustom(custom.group(2), Long.parseLong(custom.group(3)), custom.group(1) != null);
    }
    Matcher name = EMOJI_NAME.matcher(trimmed);
    if (!name.matches()) {
      return Emoji.fromUnicode(trimmed);
    }
    if (!(target instanceof GuildMessageChannel channel)) {
      return null;
    }
    for (RichCustomEmoji candidate : channel.getGuild().retrieveEmojis().complete(false)) {
      if (candidate.getName().equalsIgnoreCase(name.group(1))) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * The nonce of part {@code part} of outbound message {@code id}: Discord keeps one message per
   * nonce for a few minutes (with {@code enforce_nonce}, which JDA sets), so a retried delivery is
   * not doubled. A nonce holds at most 25 characters, so it is derived from the id by hashing.
   */
  static String nonce(String id, int part) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest((id + "/" + part).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 25);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
