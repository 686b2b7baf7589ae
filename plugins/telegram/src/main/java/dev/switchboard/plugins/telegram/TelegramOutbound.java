package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.reactions.SetMessageReaction;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.reactions.ReactionTypeEmoji;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Sends outbound messages through the Bot API: text (split to 4096 characters, Markdown as
 * MarkdownV2 with a plain-text fallback), files as photos or documents, edits, reactions and
 * questions as inline keyboards.
 *
 * <p>One outbound message may take several sends (the parts of a long text, its files). When one
 * fails, the sends that went through are remembered under the outbound id, and the retry the
 * gateway makes starts after them, so no part is doubled.
 *
 * <p>Known debt: that memory is the process's own; after a restart a retried message is sent from
 * its first part again. Fix: keep it in the channel's data folder.
 */
final class TelegramOutbound {
  private static final Logger log = LoggerFactory.getLogger(TelegramOutbound.class);
  private static final Set<String> PHOTO_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp");
  private static final long MAX_PHOTO = 10L * 1024 * 1024;
  private static final long MAX_UPLOAD = 50L * 1024 * 1024;
  private static final int MAX_REMEMBERED = 1000;

  private final TelegramClient client;
  private final QuestionStore questions;
  // Outbound id -> sends done so far; guarded by itself. Deliveries to one chat never overlap.
  private final Map<String, Progress> progress =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Progress> eldest) {
              return size() > MAX_REMEMBERED;
            }
          });

  private record Progress(int done, String firstId) {}

  /** One send of several that make up an outbound message. */
  @FunctionalInterface
  private interface Send {
    Message send(ReplyParameters replyTo) throws TelegramApiException;
  }

  TelegramOutbound(TelegramClient client, QuestionStore questions) {
    this.client = client;
    this.questions = questions;
  }

  DeliveryResult deliver(OutboundMessage message) {
    String chat = message.platformId();
    Integer thread;
    try {
      thread = number(message.threadId());
    } catch (NumberFormatException e) {
      return new Permanent("the thread id '" + message.threadId() + "' is not a Telegram topic id");
    }
    try {
      return switch (message.content()) {
        case Text text -> text(message, chat, thread, text);
        case Edit edit -> edit(chat, edit);
        case Reaction reaction -> react(chat, reaction);
        case Question question -> sendAll(message, List.of(ask(chat, thread, question)));
      };
    } catch (NumberFormatException e) {
      return new Permanent("not a Telegram message id: " + e.getMessage());
    } catch (IOException e) {
      return new Transient("the channel's data folder could not be written: " + e.getMessage());
    }
  }

  private DeliveryResult sendAll(OutboundMessage message, List<Send> sends) {
    Progress done = progress.getOrDefault(message.id(), new Progress(0, null));
    ReplyParameters replyTo = replyTo(message.replyToMessageId());
    String firstId = done.firstId();
    for (int i = done.done(); i < sends.size(); i++) {
      try {
        Message sent = sends.get(i).send(i == 0 ? replyTo : null);
        if (firstId == null && sent != null) {
          firstId = String.valueOf(sent.getMessageId());
        }
      } catch (TelegramApiException e) {
        if (i > 0) {
          progress.put(message.id(), new Progress(i, firstId));
        }
        return TelegramErrors.classify(e);
      }
    }
    progress.remove(message.id());
    return new Delivered(firstId);
  }

  private DeliveryResult text(OutboundMessage message, String chat, Integer thread, Text text) {
    if (text.text().isBlank() && text.files().isEmpty()) {
      return new Permanent("an empty message: no text and no files");
    }
    for (OutboundContent.File file : text.files()) {
      if (size(file) > MAX_UPLOAD) {
        return new Permanent("the file " + file.name() + " is larger than the 50 MB Telegram lets a bot send");
      }
    }
    return sendAll(message, steps(chat, thread, text));
  }

  private List<Send> steps(String chat, Integer thread, Text text) {
    List<Send> sends = new ArrayList<>();
    List<OutboundContent.File> files = text.files();
    boolean captioned = !files.isEmpty() && text.text().length() <= TelegramFormat.MAX_CAPTION;
    if (!captioned && !text.text().isBlank()) {
      for (TelegramFormat.Part part : TelegramFormat.parts(text.text(), text.markdown())) {
        sends.add(replyTo -> sendText(chat, thread, replyTo, part));
      }
    }
    for (int i = 0; i < files.size(); i++) {
      OutboundContent.File file = files.get(i);
      TelegramFormat.Part caption =
          captioned && i == 0 && !text.text().isBlank()
              ? TelegramFormat.parts(text.text(), text.markdown()).getFirst()
              : null;
      sends.add(replyTo -> sendFile(chat, thread, replyTo, file, caption));
    }
    return sends;
  }

  private Message sendText(String chat, Integer thread, ReplyParameters replyTo, TelegramFormat.Part part)
      throws TelegramApiException {
    if (part.markdownV2() != null) {
      try {
        return client.execute(message(chat, thread, replyTo, part.markdownV2(), ParseMode.MARKDOWNV2));
      } catch (TelegramApiException e) {
        if (!TelegramErrors.isFormattingRejected(e)) {
          throw e;
        }
        log.info("Telegram rejected the formatting of a message to chat {}; sending it as plain text", chat);
      }
    }
    return client.execute(message(chat, thread, replyTo, part.plain(), null));
  }

  private static SendMessage message(
      String chat, Integer thread, ReplyParameters replyTo, String text, String parseMode) {
    return SendMessage.builder()
        .chatId(chat)
        .messageThreadId(thread)
        .text(text)
        .parseMode(parseMode)
        .replyParameters(replyTo)
        .build();
  }

  private Message sendFile(
      String chat, Integer thread, ReplyParameters replyTo, OutboundContent.File file, TelegramFormat.Part caption)
      throws TelegramApiException {
    long size = size(file);
    InputFile input = new InputFile(file.path().toFile(), file.name());
    if (caption != null && caption.markdownV2() != null) {
      try {
        return sendFile(chat, thread, replyTo, file, input, size, caption.markdownV2(), ParseMode.MARKDOWNV2);
      } catch (TelegramApiException e) {
        if (!TelegramErrors.isFormattingRejected(e)) {
          throw e;
        }
        input = new InputFile(file.path().toFile(), file.name());
      }
    }
    return sendFile(chat, thread, replyTo, file, input, size, caption == null ? null : caption.plain(), null);
  }

  private Message sendFile(
      String chat,
      Integer thread,
      ReplyParameters replyTo,
      OutboundContent.File file,
      InputFile input,
      long size,
      String caption,
      String parseMode)
      throws TelegramApiException {
    if (isPhoto(file.name()) && size <= MAX_PHOTO) {
      return client.execute(
          SendPhoto.builder()
              .chatId(chat)
              .messageThreadId(thread)
              .photo(input)
              .caption(caption)
              .parseMode(parseMode)
              .replyParameters(replyTo)
              .build());
    }
    return client.execute(
        SendDocument.builder()
            .chatId(chat)
            .messageThreadId(thread)
            .document(input)
            .caption(caption)
            .parseMode(parseMode)
            .replyParameters(replyTo)
            .build());
  }

  private DeliveryResult edit(String chat, Edit edit) {
    int messageId = messageId(edit.platformMessageId());
    String text = edit.text();
    if (text.length() > TelegramFormat.MAX_MESSAGE) {
      // An edit cannot become several messages; the rest of the text is cut and marked.
      text = text.substring(0, TelegramFormat.MAX_MESSAGE - 1) + "…";
    }
    try {
      client.execute(EditMessageText.builder().chatId(chat).messageId(messageId).text(text).build());
      return new Delivered(edit.platformMessageId());
    } catch (TelegramApiException e) {
      return TelegramErrors.isNotModified(e) ? new Delivered(edit.platformMessageId()) : TelegramErrors.classify(e);
    }
  }

  private DeliveryResult react(String chat, Reaction reaction) {
    int messageId = messageId(reaction.platformMessageId());
    try {
      client.execute(
          SetMessageReaction.builder()
              .chatId(chat)
              .messageId(messageId)
              .reactionTypes(List.of(ReactionTypeEmoji.builder().emoji(reaction.emoji()).build()))
              .build());
      return new Delivered(null);
    } catch (TelegramApiException e) {
      return TelegramErrors.classify(e);
    }
  }

  private Send ask(String chat, Integer thread, Question question) throws IOException {
    List<String> data = questions.save(chat, question);
    InlineKeyboardMarkup.InlineKeyboardMarkupBuilder<?, ?> keyboard = InlineKeyboardMarkup.builder();
    for (int i = 0; i < question.options().size(); i++) {
      keyboard.keyboardRow(
          new InlineKeyboardRow(
              InlineKeyboardButton.builder()
                  .text(question.options().get(i).label())
                  .callbackData(data.get(i))
                  .build()));
    }
    String text = questionText(question);
    InlineKeyboardMarkup markup = keyboard.build();
    return replyTo ->
        client.execute(
            SendMessage.builder()
                .chatId(chat)
                .messageThreadId(thread)
                .text(text)
                .replyMarkup(markup)
                .replyParameters(replyTo)
                .build());
  }

  static String questionText(Question question) {
    String text =
        question.title() == null || question.title().isBlank()
            ? question.question()
            : question.title() + "\n\n" + question.question();
    return text.length() > TelegramFormat.MAX_MESSAGE
        ? text.substring(0, TelegramFormat.MAX_MESSAGE - 1) + "…"
        : text;
  }

  private static ReplyParameters replyTo(String messageId) {
    Integer id = leadingNumber(messageId);
    return id == null ? null : ReplyParameters.builder().messageId(id).allowSendingWithoutReply(true).build();
  }

  /** The Telegram message id in one of ours: {@code 42}, or {@code 42:edited:…} for an edit. */
  private static int messageId(String id) {
    Integer number = leadingNumber(id);
    if (number == null) {
      throw new NumberFormatException("'" + id + "'");
    }
    return number;
  }

  private static Integer leadingNumber(String id) {
    if (id == null) {
      return null;
    }
    int end = 0;
    while (end < id.length() && Character.isDigit(id.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 10) {
      return null;
    }
    long value = Long.parseLong(id.substring(0, end));
    return value > Integer.MAX_VALUE ? null : (int) value;
  }

  private static Integer number(String id) {
    return id == null ? null : Integer.valueOf(id);
  }

  private static long size(OutboundContent.File file) {
    return file.size() > 0 ? file.size() : file.path().toFile().length();
  }

  private static boolean isPhoto(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && PHOTO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
