package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugins.telegram.QuestionStore.Choice;
import dev.switchboard.plugins.telegram.TelegramInbound.Bot;
import dev.switchboard.plugins.telegram.TelegramInbound.FileRef;
import dev.switchboard.plugins.telegram.TelegramInbound.Ignored;
import dev.switchboard.plugins.telegram.TelegramInbound.NewMessage;
import dev.switchboard.plugins.telegram.TelegramInbound.Policy;
import dev.switchboard.plugins.telegram.TelegramInbound.Press;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Takes one update from Telegram to the gateway, whichever way it came (polling or webhook), and
 * returns only once the gateway has stored it, so that the caller may then acknowledge it. A
 * {@link dev.switchboard.plugin.api.StoreUnavailableException} (or any other exception) passes
 * through: the update was not stored, and must not be acknowledged.
 *
 * <p>A button press is stored as the answer to its question first; only then is the press
 * answered (answerCallbackQuery) and the keyboard replaced by the choice. An answer the gateway
 * drops is shown to the person who pressed, with its reason, and the keyboard stays.
 */
final class TelegramUpdates {
  private static final Logger log = LoggerFactory.getLogger(TelegramUpdates.class);
  private static final int MAX_CALLBACK_TEXT = 200;

  private final ChannelContext context;
  private final TelegramClient client;
  private final TelegramFiles files;
  private final QuestionStore questions;
  private final Bot bot;
  private final Policy policy;
  private final Clock clock;
  private final BooleanSupplier closing;

  TelegramUpdates(
      ChannelContext context,
      TelegramClient client,
      TelegramFiles files,
      QuestionStore questions,
      Bot bot,
      Policy policy,
      Clock clock,
      BooleanSupplier closing) {
    this.context = context;
    this.client = client;
    this.files = files;
    this.questions = questions;
    this.bot = bot;
    this.policy = policy;
    this.clock = clock;
    this.closing = closing;
  }

  void handle(Update update) {
    switch (TelegramInbound.translate(update, bot, policy)) {
      case NewMessage message -> submit(message);
      case Press press -> press(press);
      case Ignored ignored -> log.debug("Update {} ignored: {}", update.getUpdateId(), ignored.reason());
    }
  }

  private void submit(NewMessage message) {
    InboundEvent event = message.event();
    if (!message.files().isEmpty()) {
      event = withFiles(event, message.files());
    }
    InboundOutcome outcome = context.submit(event);
    log.debug("Message {} of chat {}: {}", event.messageId(), event.platformId(), outcome);
  }

  private InboundEvent withFiles(InboundEvent event, List<FileRef> refs) {
    List<Attachment> attachments = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (FileRef ref : refs) {
      switch (files.download(event.platformId(), event.messageId(), ref)) {
        case TelegramFiles.Downloaded downloaded -> attachments.add(downloaded.attachment());
        case TelegramFiles.Note note -> notes.add(note.text());
      }
    }
    if (closing.getAsBoolean()) {
      // A download cut short by closing the channel is no reason to give the agent a note: leave
      // the update unacknowledged, so that it is read again after the restart.
      throw new IllegalStateException("the channel closed while downloading the files of a message");
    }
    return new InboundEvent(
        event.platformId(),
        event.threadId(),
        event.messageId(),
        event.sender(),
        TelegramInbound.withNotes(event.text(), notes),
        event.timestamp(),
        event.addressing(),
        event.chat(),
        event.replyTo(),
        attachments);
  }

  private void press(Press press) {
    Optional<Choice> found = questions.find(press.platformId(), press.data());
    if (found.isEmpty()) {
      answer(press.callbackId(), "This question is no longer open.", true);
      return;
    }
    Choice choice = found.get();
    QuestionAnswer answer =
        new QuestionAnswer(
            press.platformId(),
            press.threadId(),
            choice.questionId(),
            choice.value(),
            press.sender(),
            press.callbackId(),
            clock.instant());
    InboundOutcome outcome;
    try {
      outcome = context.submitAnswer(answer);
    } catch (UnsupportedOperationException e) {
      answer(press.callbackId(), "This gateway does not take answers to questions.", true);
      return;
    }
    switch (outcome) {
      case InboundOutcome.Stored stored -> chosen(press, choice);
      case InboundOutcome.Duplicate duplicate -> chosen(press, choice);
      case InboundOutcome.Dropped dropped -> answer(press.callbackId(), dropped.reason(), true);
    }
  }

  private void chosen(Press press, Choice choice) {
    answer(press.callbackId(), "Answer sent: " + choice.label(), false);
    String who = press.sender().name() == null ? press.sender().id() : press.sender().name();
    try {
      if (press.messageText() != null) {
        String text = press.messageText() + "\n\n✓ " + choice.label() + " (" + who + ")";
        client.execute(
            EditMessageText.builder()
                .chatId(press.platformId())
                .messageId(press.messageId())
                .text(text.length() > TelegramFormat.MAX_MESSAGE ? press.messageText() : text)
                .build());
      } else {
        client.execute(
            EditMessageReplyMarkup.builder().chatId(press.platformId()).messageId(press.messageId()).build());
      }
    } catch (TelegramApiException e) {
      // The answer is stored; a keyboard left in place only means a second press is a duplicate.
      log.warn(
          "Could not replace the keyboard of message {} in chat {}: {}",
          press.messageId(),
          press.platformId(),
          TelegramErrors.classify(e).reason());
    }
  }

  private void answer(String callbackId, String text, boolean alert) {
    String shown = text.length() > MAX_CALLBACK_TEXT ? text.substring(0, MAX_CALLBACK_TEXT - 1) + "…" : text;
    try {
      client.execute(
          AnswerCallbackQuery.builder().callbackQueryId(callbackId).text(shown).showAlert(alert).build());
    } catch (TelegramApiException e) {
      // Telegram forgets a press after a while; a re-read one cannot be answered any more.
      log.debug("Could not answer button press {}: {}", callbackId, TelegramErrors.classify(e).reason());
    }
  }
}
