package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugins.discord.ChatCursors.Kind;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers button presses that come over the gateway within Discord's 3 seconds, however long the
 * store takes. The answer is stored on a thread of its own, never on JDA's; if it is stored within
 * {@link #ACKNOWLEDGE_WITHIN}, Discord is answered with the question message updated (or the press
 * refused) at once. If not, the press is acknowledged without a change ({@code deferEdit}), and
 * the message is updated through the interaction's hook once the answer is stored; if storing then
 * fails, the presser is told to press again (the buttons are still there).
 */
final class GatewayPresses {
  private static final Logger log = LoggerFactory.getLogger(GatewayPresses.class);

  /** Half of Discord's window: the rest is for the acknowledgement's own way to Discord. */
  static final Duration ACKNOWLEDGE_WITHIN = Duration.ofMillis(1500);

  private final QuestionPresses presses;
  private final ExecutorService storing =
      Executors.newSingleThreadExecutor(task -> new Thread(task, "discord-presses"));
  private final ScheduledExecutorService deadlines = deadlines();

  GatewayPresses(QuestionPresses presses) {
    this.presses = requireNonNull(presses, "presses is null");
  }

  private static ScheduledExecutorService deadlines() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, task -> new Thread(task, "discord-press-deadlines"));
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  /** Takes a press on JDA's thread and returns at once. */
  void press(ButtonInteractionEvent event) {
    QuestionPresses.Press press = pressOf(event);
    AtomicBoolean acknowledged = new AtomicBoolean();
    CompletableFuture<Optional<QuestionPresses.Reply>> stored;
    ScheduledFuture<?> deadline;
    try {
      stored = CompletableFuture.supplyAsync(() -> presses.press(press), storing);
      deadline =
          deadlines.schedule(
              () -> {
                if (acknowledged.compareAndSet(false, true)) {
                  log.info("Storing the answer of a button press takes long; acknowledged it first");
                  event.deferEdit().queue(null, e -> log.warn("Could not acknowledge a button press: {}", e.toString()));
                }
              },
              ACKNOWLEDGE_WITHIN.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return; // closing: Discord shows the press as failed, and it can be pressed again
    }
    stored.whenComplete(
        (reply, error) -> {
          if (acknowledged.compareAndSet(false, true)) {
            deadline.cancel(false);
            answer(event, reply, unwrap(error));
          } else {
            answerLater(event.getHook(), reply, unwrap(error));
          }
        });
  }

  private static void answer(ButtonInteractionEvent event, Optional<QuestionPresses.Reply> reply, Throwable error) {
    if (error != null) {
      // Not acknowledged: Discord shows the press as failed and the person can press again.
      log.warn("Could not store the answer of a button press: {}", error.getMessage());
      return;
    }
    if (reply.isEmpty()) {
      event.deferEdit().queue(null, e -> log.debug("Could not acknowledge a button press: {}", e.toString()));
      return;
    }
    switch (reply.get()) {
      case QuestionPresses.Reply.Update update ->
          event.editMessage(update.text()).setComponents().queue(null, e -> log.warn("Could not update the question message: {}", e.toString()));
      case QuestionPresses.Reply.Refuse refuse ->
          event.reply(refuse.text()).setEphemeral(true).queue(null, e -> log.debug("Could not refuse a button press: {}", e.toString()));
    }
  }

  // JDA holds requests through the hook until the acknowledgement is through.
  private static void answerLater(InteractionHook hook, Optional<QuestionPresses.Reply> reply, Throwable error) {
    if (error != null) {
      log.warn("Could not store the answer of an acknowledged button press: {}", error.getMessage());
      hook.sendMessage("Your answer could not be saved. Please press the button again.")
          .setEphemeral(true)
          .queue(null, e -> log.debug("Could not tell of a failed button press: {}", e.toString()));
      return;
    }
    if (reply.isEmpty()) {
      return;
    }
    switch (reply.get()) {
      case QuestionPresses.Reply.Update update ->
          hook.editOriginal(update.text()).setComponents().queue(null, e -> log.warn("Could not update the question message: {}", e.toString()));
      case QuestionPresses.Reply.Refuse refuse ->
          hook.sendMessage(refuse.text()).setEphemeral(true).queue(null, e -> log.debug("Could not refuse a button press: {}", e.toString()));
    }
  }

  private static QuestionPresses.Press pressOf(ButtonInteractionEvent event) {
    MessageChannel channel = event.getChannel();
    String parentId =
        DiscordInbound.kind(channel) == Kind.THREAD
            ? event.getChannel().asThreadChannel().getParentChannel().getId()
            : null;
    return new QuestionPresses.Press(
        channel.getId(),
        parentId,
        event.getComponentId(),
        event.getButton().getLabel(),
        event.getMessage().getContentRaw(),
        new Sender(event.getUser().getId(), event.getUser().getEffectiveName(), event.getUser().isBot()),
        event.getId(),
        event.getTimeCreated().toInstant());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause != null && !(cause instanceof StoreUnavailableException)) {
      log.warn("A button press failed", cause);
    }
    return cause;
  }

  /** Stops taking presses; an answer being stored is left to finish briefly. */
  void close() {
    storing.shutdown();
    deadlines.shutdownNow();
    try {
      if (!storing.awaitTermination(5, TimeUnit.SECONDS)) {
        storing.shutdownNow();
      }
    } catch (InterruptedException e) {
      storing.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
