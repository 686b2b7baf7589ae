package dev.switchboard.plugins.telegram;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.ChatInfo;
import dev.switchboard.plugin.api.InboundEvent.ReplyTo;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugins.telegram.TelegramSettings.BotMessages;
import dev.switchboard.plugins.telegram.TelegramSettings.EditedMessages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.telegram.telegrambots.meta.api.objects.Audio;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.Video;
import org.telegram.telegrambots.meta.api.objects.Voice;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMemberUpdated;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/**
 * Turns a Telegram {@link Update} into what the gateway takes: a message (with the files still to
 * download), a button press, or nothing. Pure: no I/O, no clock.
 *
 * <p>A message's id is Telegram's {@code message_id}, unique within its chat, so a re-read update
 * is recognised by the gateway. A mention of the bot (an entity or its {@code @name}), a reply to
 * one of its messages and a private chat each address the bot. A forum topic's {@code
 * message_thread_id} is the thread id.
 */
final class TelegramInbound {
  private static final Set<String> MEMBER = Set.of("member", "administrator", "creator", "restricted");
  private static final Set<String> GROUP_TYPES = Set.of("group", "supergroup", "channel");

  private TelegramInbound() {}

  /** The bot itself, as getMe describes it. */
  record Bot(long id, String username) {
    Bot {
      requireNonNull(username, "username is null");
    }
  }

  /** What the channel does with the policies in its settings. */
  record Policy(BotMessages botMessages, EditedMessages editedMessages, long maxFileSize) {
    static Policy of(TelegramSettings settings) {
      return new Policy(settings.botMessages(), settings.editedMessages(), settings.maxFileSize());
    }
  }

  sealed interface Result {}

  /** A message to submit once its files are downloaded. */
  record NewMessage(InboundEvent event, List<FileRef> files) implements Result {
    NewMessage {
      requireNonNull(event, "event is null");
      files = List.copyOf(files);
    }
  }

  /** A press of a button under one of the bot's messages. */
  record Press(
      String callbackId,
      String platformId,
      String threadId,
      Integer messageId,
      String messageText,
      String data,
      Sender sender)
      implements Result {}

  /** An update the gateway does not need; the reason is for the debug log. */
  record Ignored(String reason) implements Result {}

  /** A file of a message, to download; {@code size} may be null when Telegram does not say. */
  record FileRef(String fileId, String name, String mimeType, Long size) {}

  static Result translate(Update update, Bot bot, Policy policy) {
    if (update.getMessage() != null) {
      return message(update.getMessage(), bot, policy, false);
    }
    if (update.getChannelPost() != null) {
      return message(update.getChannelPost(), bot, policy, false);
    }
    if (update.getEditedMessage() != null || update.getEditedChannelPost() != null) {
      Message edited =
          update.getEditedMessage() != null ? update.getEditedMessage() : update.getEditedChannelPost();
      return policy.editedMessages() == EditedMessages.IGNORE
          ? new Ignored("an edited message (editedMessages: ignore)")
          : message(edited, bot, policy, true);
    }
    if (update.getCallbackQuery() != null) {
      return press(update.getCallbackQuery(), update);
    }
    if (update.getMyChatMember() != null) {
      return membership(update.getMyChatMember(), update.getUpdateId(), bot);
    }
    return new Ignored("an update of a kind the channel does not take");
  }

  private static Result message(Message message, Bot bot, Policy policy, boolean edited) {
    Chat chat = message.getChat();
    User from = message.getFrom();
    if (from != null && from.getId() != null && from.getId() == bot.id()) {
      return new Ignored("the bot's own message");
    }
    Sender sender = sender(message);
    if (sender.bot() && policy.botMessages() == BotMessages.IGNORE) {
      return new Ignored("a message from another bot (botMessages: ignore)");
    }
    String text = message.getText() != null ? message.getText() : message.getCaption();
    List<MessageEntity> entities =
        message.getText() != null ? message.getEntities() : message.getCaptionEntities();
    text = text == null ? "" : text;
    List<FileRef> files = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (FileRef file : files(message)) {
      if (file.size() != null && file.size() > policy.maxFileSize()) {
        notes.add(tooLarge(file.name(), file.size(), policy.maxFileSize()));
      } else {
        files.add(file);
      }
    }
    if (text.isEmpty() && files.isEmpty() && notes.isEmpty()) {
      return new Ignored("a message with no text and no file (a service message or a sticker)");
    }
    String id = String.valueOf(message.getMessageId());
    if (edited) {
      long editDate = message.getEditDate() == null ? 0 : message.getEditDate();
      id = id + ":edited:" + editDate;
      text = "(edited) " + text;
    }
    InboundEvent.Builder event =
        InboundEvent.builder(platformId(chat), sender, withNotes(text, notes))
            .messageId(id)
            .threadId(threadId(message))
            .timestamp(instant(edited && message.getEditDate() != null ? message.getEditDate() : message.getDate()))
            .addressing(
                new Addressing(
                    mentions(text, entities, bot), "private".equals(chat.getType()), repliesToBot(message, bot)))
            .chat(chatInfo(chat))
            .replyTo(edited ? new ReplyTo(String.valueOf(message.getMessageId()), null, null) : replyTo(message));
    return new NewMessage(event.build(), files);
  }

  private static Result press(CallbackQuery query, Update update) {
    MaybeInaccessibleMessage target = query.getMessage();
    if (target == null || query.getData() == null) {
      return new Ignored("a button press without a message or data (an inline-mode button)");
    }
    String threadId = null;
    String text = null;
    if (target instanceof Message message) {
      threadId = threadId(message);
      text = message.getText() != null ? message.getText() : message.getCaption();
    }
    return new Press(
        query.getId(),
        String.valueOf(target.getChatId()),
        threadId,
        target.getMessageId(),
        text,
        query.getData(),
        user(query.getFrom()));
  }

  /**
   * The bot was added to a group: a message naming the chat, so that the gateway learns its name
   * and kind before anyone writes (and a pairing code sent next finds the chat known).
   */
  private static Result membership(ChatMemberUpdated change, Integer updateId, Bot bot) {
    Chat chat = change.getChat();
    String before = change.getOldChatMember() == null ? "left" : change.getOldChatMember().getStatus();
    String after = change.getNewChatMember() == null ? "left" : change.getNewChatMember().getStatus();
    if ("private".equals(chat.getType())) {
      return new Ignored("a private chat started or blocked the bot");
    }
    if (MEMBER.contains(before) || !MEMBER.contains(after)) {
      return new Ignored("the bot's membership changed from " + before + " to " + after);
    }
    Sender sender = change.getFrom() == null ? new Sender(platformId(chat), chat.getTitle()) : user(change.getFrom());
    String by = sender.name() == null ? sender.id() : sender.name();
    return new NewMessage(
        InboundEvent.builder(
                platformId(chat),
                sender,
                "[" + by + " added @" + bot.username() + " to " + describe(chat) + "]")
            .messageId("joined:" + updateId)
            .timestamp(instant(change.getDate()))
            .chat(chatInfo(chat))
            .build(),
        List.of());
  }

  private static Sender sender(Message message) {
    // A message sent on behalf of a chat (an anonymous admin, a linked channel) comes from a
    // placeholder bot account; the chat is the real sender.
    Chat senderChat = message.getSenderChat();
    if (senderChat != null) {
      return new Sender(platformId(senderChat), senderChat.getTitle(), false);
    }
    if (message.getFrom() == null) {
      Chat chat = message.getChat();
      return new Sender(platformId(chat), chat.getTitle(), false);
    }
    return user(message.getFrom());
  }

  private static Sender user(User user) {
    String name = user.getFirstName();
    if (user.getLastName() != null && !user.getLastName().isBlank()) {
      name = name == null ? user.getLastName() : name + " " + user.getLastName();
    }
    if (name == null || name.isBlank()) {
      name = user.getUserName();
    }
    return new Sender(String.valueOf(user.getId()), name, Boolean.TRUE.equals(user.getIsBot()));
  }

  static String platformId(Chat chat) {
    return String.valueOf(chat.getId());
  }

  private static String threadId(Message message) {
    return Boolean.TRUE.equals(message.getIsTopicMessage()) && message.getMessageThreadId() != null
        ? String.valueOf(message.getMessageThreadId())
        : null;
  }

  private static ChatInfo chatInfo(Chat chat) {
    return new ChatInfo(chatName(chat), GROUP_TYPES.contains(chat.getType()));
  }

  private static String chatName(Chat chat) {
    if (chat.getTitle() != null && !chat.getTitle().isBlank()) {
      return chat.getTitle();
    }
    String name = chat.getFirstName();
    if (chat.getLastName() != null && !chat.getLastName().isBlank()) {
      name = name == null ? chat.getLastName() : name + " " + chat.getLastName();
    }
    return name != null ? name : chat.getUserName();
  }

  private static String describe(Chat chat) {
    String name = chatName(chat);
    return name == null ? "a " + chat.getType() : "\"" + name + "\"";
  }

  private static boolean mentions(String text, List<MessageEntity> entities, Bot bot) {
    String handle = "@" + bot.username().toLowerCase(Locale.ROOT);
    if (entities != null) {
      for (MessageEntity entity : entities) {
        if ("text_mention".equals(entity.getType())
            && entity.getUser() != null
            && entity.getUser().getId() == bot.id()) {
          return true;
        }
        if (("mention".equals(entity.getType()) || "bot_command".equals(entity.getType()))
            && entity.getOffset() != null
            && entity.getLength() != null
            && entity.getOffset() >= 0
            && entity.getOffset() + entity.getLength() <= text.length()) {
          String covered = text.substring(entity.getOffset(), entity.getOffset() + entity.getLength());
          if (covered.toLowerCase(Locale.ROOT).endsWith(handle)) {
            return true;
          }
        }
      }
    }
    // Telegram marks mentions with entities, but a caption or a forwarded text may lack them.
    return containsHandle(text.toLowerCase(Locale.ROOT), handle);
  }

  private static boolean containsHandle(String text, String handle) {
    int at = text.indexOf(handle);
    while (at >= 0) {
      int end = at + handle.length();
      boolean startOk = at == 0 || !isHandleChar(text.charAt(at - 1));
      boolean endOk = end == text.length() || !isHandleChar(text.charAt(end));
      if (startOk && endOk) {
        return true;
      }
      at = text.indexOf(handle, at + 1);
    }
    return false;
  }

  private static boolean isHandleChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static boolean repliesToBot(Message message, Bot bot) {
    Message replied = message.getReplyToMessage();
    return replied != null
        && replied.getFrom() != null
        && replied.getFrom().getId() != null
        && replied.getFrom().getId() == bot.id();
  }

  private static ReplyTo replyTo(Message message) {
    Message replied = message.getReplyToMessage();
    // In a forum, every message in a topic "replies" to the topic's opening service message.
    if (replied == null || replied.getForumTopicCreated() != null) {
      return null;
    }
    String text = replied.getText() != null ? replied.getText() : replied.getCaption();
    String sender = null;
    if (replied.getFrom() != null) {
      sender = String.valueOf(replied.getFrom().getId());
    } else if (replied.getSenderChat() != null) {
      sender = platformId(replied.getSenderChat());
    }
    return new ReplyTo(String.valueOf(replied.getMessageId()), text, sender);
  }

  private static List<FileRef> files(Message message) {
    List<FileRef> files = new ArrayList<>();
    int id = message.getMessageId();
    if (message.getPhoto() != null && !message.getPhoto().isEmpty()) {
      PhotoSize largest =
          message.getPhoto().stream()
              .max(Comparator.comparingLong(p -> (long) nz(p.getWidth()) * nz(p.getHeight())))
              .orElseThrow();
      files.add(new FileRef(largest.getFileId(), "photo-" + id + ".jpg", "image/jpeg", size(largest.getFileSize())));
    }
    Document document = message.getDocument();
    if (document != null) {
      files.add(
          new FileRef(
              document.getFileId(),
              name(document.getFileName(), "document-" + id),
              document.getMimeType(),
              document.getFileSize()));
    }
    Voice voice = message.getVoice();
    if (voice != null) {
      files.add(
          new FileRef(voice.getFileId(), "voice-" + id + ".ogg", mime(voice.getMimeType(), "audio/ogg"), voice.getFileSize()));
    }
    Audio audio = message.getAudio();
    if (audio != null) {
      files.add(
          new FileRef(
              audio.getFileId(),
              name(audio.getFileName(), "audio-" + id + ".mp3"),
              mime(audio.getMimeType(), "audio/mpeg"),
              audio.getFileSize()));
    }
    Video video = message.getVideo();
    if (video != null) {
      files.add(
          new FileRef(
              video.getFileId(),
              name(video.getFileName(), "video-" + id + ".mp4"),
              mime(video.getMimeType(), "video/mp4"),
              video.getFileSize()));
    }
    return files;
  }

  /** The note an agent gets in place of a file the bot may not download. */
  static String tooLarge(String name, long size, long limit) {
    return "the file "
        + name
        + " ("
        + megabytes(size)
        + ") was not downloaded: it is larger than the "
        + megabytes(limit)
        + " this bot may download";
  }

  static String withNotes(String text, List<String> notes) {
    StringBuilder out = new StringBuilder(text);
    for (String note : notes) {
      out.append(out.isEmpty() ? "" : "\n").append('[').append(note).append(']');
    }
    return out.toString();
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  private static Long size(Integer size) {
    return size == null ? null : size.longValue();
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }

  private static String name(String given, String fallback) {
    return given == null || given.isBlank() ? fallback : given;
  }

  private static String mime(String given, String fallback) {
    return given == null || given.isBlank() ? fallback : given;
  }

  private static Instant instant(Integer unixSeconds) {
    return unixSeconds == null ? Instant.EPOCH : Instant.ofEpochSecond(unixSeconds);
  }
}
