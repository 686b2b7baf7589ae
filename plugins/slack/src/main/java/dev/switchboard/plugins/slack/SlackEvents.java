package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugins.slack.SlackErrors.CallFailed;
import dev.switchboard.plugins.slack.SlackInbound.Message;
import dev.switchboard.plugins.slack.SlackInbound.Press;
import dev.switchboard.plugins.slack.SlackInbound.SharedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the channel does with an event, whichever way it came (Events API or Socket Mode): the
 * message stored through the gateway, a button press stored as an answer. A method returns only
 * once the gateway has stored what it must; the caller acknowledges Slack after that, never
 * before. A method that throws has stored nothing, and Slack must not be acknowledged.
 */
final class SlackEvents {
  private static final Logger log = LoggerFactory.getLogger(SlackEvents.class);
  /** How long a duplicate waits for the first delivery of a message; below Slack's 3 s. */
  static final Duration DUPLICATE_WAIT = Duration.ofMillis(2500);

  private final ChannelContext context;
  private final SlackApi api;
  private final SlackApi.Identity self;
  private final long maxFileBytes;
  private final Clock clock;
  private final OnceOnly once = new OnceOnly(10_000, DUPLICATE_WAIT);

  SlackEvents(
      ChannelContext context, SlackApi api, SlackApi.Identity self, long maxFileBytes, Clock clock) {
    this.context = requireNonNull(context, "context is null");
    this.api = requireNonNull(api, "api is null");
    this.self = requireNonNull(self, "self is null");
    this.maxFileBytes = maxFileBytes;
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Handles an {@code event_callback} payload: stores its message, or ignores the event. */
  void eventCallback(JsonObject payload) {
    JsonObject event = SlackInbound.object(payload, "event");
    if (event == null) {
      return;
    }
    Optional<Message> message = SlackInbound.message(event, self);
    if (message.isEmpty()) {
      log.debug(
          "Ignored a Slack {} event (subtype {})",
          SlackInbound.string(event, "type"),
          SlackInbound.string(event, "subtype"));
      return;
    }
    Message m = message.get();
    once.run(m.key(), () -> store(m));
  }

  private void store(Message m) {
    SlackApi.Conversation conversation = api.conversation(m.channel()).orElse(null);
    String name = m.bot() ? null : api.userName(m.user()).orElse(null);
    List<Attachment> attachments = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (SharedFile file : m.files()) {
      download(m, file, attachments, notes);
    }
    InboundEvent event = SlackInbound.event(m, self, name, conversation, attachments, notes);
    InboundOutcome outcome = context.submit(event);
    log.debug("Slack message {} in {}: {}", m.ts(), m.channel(), outcome.getClass().getSimpleName());
  }

  // Known debt: a big file can take longer than Slack's 3 s; Slack then sends the event again,
  // which waits for this one (OnceOnly) and is stored once. Fix, if that is too slow: store the
  // text first and hand files over as a second event once they are downloaded.
  private void download(Message m, SharedFile file, List<Attachment> attachments, List<String> notes) {
    if (file.size() > maxFileBytes) {
      notes.add(tooBig(file));
      return;
    }
    Path target =
        context
            .dataDir()
            .resolve("files")
            .resolve(safe(m.channel()))
            .resolve(safe(m.ts()))
            .resolve(safe(file.id() + "-" + file.name()));
    try {
      if (!api.download(file.url(), target, maxFileBytes)) {
        notes.add(tooBig(file));
        return;
      }
      attachments.add(new Attachment(file.name(), file.mimeType(), Files.size(target), target));
    } catch (IOException e) {
      log.warn("Could not download Slack file {} of message {}: {}", file.id(), m.ts(), e.toString());
      notes.add("[file " + file.name() + " could not be downloaded]");
    }
  }

  private String tooBig(SharedFile file) {
    return "[file "
        + file.name()
        + (file.size() >= 0 ? " (" + file.size() + " bytes)" : "")
        + " not downloaded: over the limit of "
        + maxFileBytes
        + " bytes]";
  }

  /**
   * Handles an interactivity payload. A press of a question's button is stored as the answer; the
   * returned follow-up then shows the choice in the question's message (chat.update) and is run
   * after Slack was acknowledged. Empty for other interactions and for answers the gateway did not
   * take.
   */
  Optional<Runnable> interaction(JsonObject payload) {
    Optional<Press> found = SlackInbound.press(payload);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Press press = found.get();
    QuestionAnswer answer =
        new QuestionAnswer(
            press.channel(),
            press.threadTs(),
            press.questionId(),
            press.value(),
            new Sender(press.user(), press.userName()),
            press.actionTs(),
            clock.instant());
    InboundOutcome outcome;
    try {
      outcome = context.submitAnswer(answer);
    } catch (UnsupportedOperationException e) {
      log.warn("The gateway takes no answers to questions; a Slack button press was ignored");
      return Optional.empty();
    }
    if (!(outcome instanceof InboundOutcome.Stored) || press.messageTs() == null) {
      return Optional.empty();
    }
    return Optional.of(() -> showChoice(press));
  }

  private void showChoice(Press press) {
    try {
      api.update(
          press.channel(),
          press.messageTs(),
          (press.questionText() == null ? "" : press.questionText() + " ")
              + "Answered: "
              + SlackFormat.escape(press.label()),
          SlackQuestions.answered(press.questionText(), press.label(), press.user()));
    } catch (CallFailed e) {
      log.warn("Could not show the answer in the question's message: {}", e.getMessage());
    }
  }

  private static String safe(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    return cleaned.isEmpty() ? "_" : cleaned;
  }
}
