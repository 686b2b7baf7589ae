package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the channel does with an event, whichever way it came (Events API or Socket Mode): the
 * message stored through the gateway, a button press stored as an answer. A method returns only
 * once what it must keep is durable; the caller acknowledges Slack after that, never before. A
 * method that throws has kept nothing, and Slack must not be acknowledged.
 *
 * <p>Slack waits 3 seconds for the acknowledgement. A message without files is stored at once: the
 * look-ups of the conversation's and the sender's names run side by side within {@link
 * #LOOKUP_BUDGET}, after which what was learnt before stands in. A message with files, and any later
 * message of a chat that has one waiting, goes to the {@link SlackPending pending journal} instead,
 * which is durable in milliseconds; its files are downloaded and it is stored after the
 * acknowledgement.
 */
final class SlackEvents {
  private static final Logger log = LoggerFactory.getLogger(SlackEvents.class);
  /** How long a duplicate waits for the first delivery of a message; below Slack's 3 s. */
  static final Duration DUPLICATE_WAIT = Duration.ofMillis(2500);
  /** How long a message waits for the names of its conversation and sender, both together. */
  static final Duration LOOKUP_BUDGET = Duration.ofMillis(1500);

  private final ChannelContext context;
  private final SlackApi api;
  private final SlackApi.Identity self;
  private final long maxFileBytes;
  private final Clock clock;
  private final OnceOnly once = new OnceOnly(10_000, DUPLICATE_WAIT);
  private final SlackPending pending;

  /** Opens the pending journal in the channel's data folder; {@link #start} takes it up. */
  SlackEvents(
      ChannelContext context, SlackApi api, SlackApi.Identity self, long maxFileBytes, Clock clock)
      throws IOException {
    this.context = requireNonNull(context, "context is null");
    this.api = requireNonNull(api, "api is null");
    this.self = requireNonNull(self, "self is null");
    this.maxFileBytes = maxFileBytes;
    this.clock = requireNonNull(clock, "clock is null");
    this.pending = new SlackPending(context.dataDir().resolve("pending"), this::storeJournaled);
  }

  /** Starts storing journaled messages, those left by an earlier run first. */
  void start() {
    pending.start();
  }

  /** Stops storing journaled messages after the one in hand; the rest wait for the next start. */
  void stop() {
    pending.stop();
  }

  /** Waits for {@link #stop} to take effect; false when the journal's worker still runs. */
  boolean awaitStopped(Duration grace) throws InterruptedException {
    return pending.awaitStopped(grace);
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
    once.run(m.key(), () -> accept(m, event));
  }

  private void accept(Message m, JsonObject event) {
    if (m.files().isEmpty() && !pending.holdsChat(m.channel())) {
      store(m, () -> false);
      return;
    }
    try {
      pending.add(event);
    } catch (IOException e) {
      throw new StoreUnavailableException(
          "the Slack message could not be written to the pending journal: " + e, e);
    }
  }

  private boolean storeJournaled(JsonObject event, BooleanSupplier stopping) {
    Optional<Message> message = SlackInbound.message(event, self);
    return message.isEmpty() || store(message.get(), stopping);
  }

  /** Stores a message; false, having submitted nothing, when {@code stopping} turned true first. */
  private boolean store(Message m, BooleanSupplier stopping) {
    long deadline = System.nanoTime() + LOOKUP_BUDGET.toNanos();
    CompletableFuture<Optional<SlackApi.Conversation>> conversation =
        lookup(() -> api.conversation(m.channel()));
    CompletableFuture<Optional<String>> userName =
        m.bot()
            ? CompletableFuture.completedFuture(Optional.empty())
            : lookup(() -> api.userName(m.user()));
    SlackApi.Conversation chat =
        within(conversation, deadline, () -> api.knownConversation(m.channel())).orElse(null);
    String name =
        m.bot() ? null : within(userName, deadline, () -> api.knownUserName(m.user())).orElse(null);
    List<Attachment> attachments = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (SharedFile file : m.files()) {
      if (stopping.getAsBoolean()) {
        return false;
      }
      download(m, file, attachments, notes, stopping);
    }
    // A download cut short by the stop must not be stored as "could not be downloaded".
    if (stopping.getAsBoolean()) {
      return false;
    }
    InboundEvent event = SlackInbound.event(m, self, name, chat, attachments, notes);
    InboundOutcome outcome = context.submit(event);
    log.debug("Slack message {} in {}: {}", m.ts(), m.channel(), outcome.getClass().getSimpleName());
    return true;
  }

  // A virtual thread per look-up: they wait on the network only, and one left running past the
  // budget still fills the cache for the next message.
  private static <T> CompletableFuture<Optional<T>> lookup(Supplier<Optional<T>> call) {
    return CompletableFuture.supplyAsync(
        call, task -> Thread.ofVirtual().name("slack-lookup").start(task));
  }

  private static <T> Optional<T> within(
      CompletableFuture<Optional<T>> lookup, long deadline, Supplier<Optional<T>> known) {
    try {
      return lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return known.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return known.get();
    }
  }

  private void download(
      Message m,
      SharedFile file,
      List<Attachment> attachments,
      List<String> notes,
      BooleanSupplier stopping) {
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
      if (stopping.getAsBoolean()) {
        log.debug("The download of Slack file {} ended with the channel: {}", file.id(), e.toString());
        return;
      }
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
   * after Slack was acknowledged. An answer the gateway refused (the question is no longer open)
   * is followed by a message only the presser sees, saying why. Empty for other interactions.
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
    if (outcome instanceof InboundOutcome.Dropped dropped) {
      // An unknown, expired or already answered question: the presser alone is told why.
      return Optional.of(() -> refuse(press, dropped.reason()));
    }
    if (!(outcome instanceof InboundOutcome.Stored) || press.messageTs() == null) {
      return Optional.empty();
    }
    return Optional.of(() -> showChoice(press));
  }

  private void refuse(Press press, String reason) {
    try {
      api.tellOnly(press.channel(), press.threadTs(), press.user(), "Your answer was not taken: " + reason + ".");
    } catch (CallFailed e) {
      log.warn("Could not tell the presser why an answer was not taken: {}", e.getMessage());
    }
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
