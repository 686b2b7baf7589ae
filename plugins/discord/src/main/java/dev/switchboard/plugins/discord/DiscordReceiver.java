package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugins.discord.ChatCursors.Kind;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes what Discord sends the bot. Messages, and the catch-up after every new or resumed session,
 * run one at a time on the channel's own thread, in the order JDA delivered them, so that JDA's
 * gateway thread never waits on a download or the store and the catch-up state only moves forward.
 * Button presses are stored on a thread of their own and answered within Discord's 3 seconds
 * ({@link GatewayPresses}).
 */
final class DiscordReceiver extends ListenerAdapter {
  private static final Logger log = LoggerFactory.getLogger(DiscordReceiver.class);
  private static final Duration RETRY_AFTER_STORE_FAILURE = Duration.ofSeconds(30);

  private final DiscordSettings settings;
  private final ChannelContext context;
  private final ChatCursors cursors;
  private final GatewayPresses presses;
  private final DiscordCatchUp catchUp;
  private final AtomicBoolean retryScheduled = new AtomicBoolean();
  private volatile ScheduledExecutorService worker;
  private volatile DiscordAttachments attachments;

  DiscordReceiver(
      DiscordSettings settings,
      ChannelContext context,
      ChatCursors cursors,
      QuestionPresses presses,
      DiscordCatchUp catchUp) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.cursors = requireNonNull(cursors, "cursors is null");
    this.presses = new GatewayPresses(requireNonNull(presses, "presses is null"));
    this.catchUp = requireNonNull(catchUp, "catchUp is null");
  }

  void open() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, task -> new Thread(task, "discord-inbound"));
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    worker = executor;
  }

  /** Stops taking events; waits briefly for the message and the button press in hand. */
  void close() {
    presses.close();
    ScheduledExecutorService current = worker;
    if (current == null) {
      return;
    }
    current.shutdownNow();
    try {
      if (!current.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("The Discord inbound thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void onReady(ReadyEvent event) {
    attachments =
        new DiscordAttachments(
            context.dataDir().resolve("files"), settings.maxAttachmentBytes(), event.getJDA().getHttpClient());
    run(() -> catchUp(event.getJDA()));
  }

  @Override
  public void onSessionRecreate(SessionRecreateEvent event) {
    run(() -> catchUp(event.getJDA()));
  }

  @Override
  public void onSessionResume(SessionResumeEvent event) {
    run(() -> catchUp(event.getJDA()));
  }

  @Override
  public void onMessageReceived(MessageReceivedEvent event) {
    Message message = event.getMessage();
    run(() -> take(message));
  }

  @Override
  public void onButtonInteraction(ButtonInteractionEvent event) {
    presses.press(event);
  }

  private void run(Runnable task) {
    ScheduledExecutorService current = worker;
    if (current == null || current.isShutdown()) {
      return;
    }
    current.execute(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.warn("Discord inbound task failed", e);
          }
        });
  }

  private void catchUp(JDA jda) {
    catchUp.run(jda, this::take);
  }

  /** Hands one message to the gateway; false when it could not be stored. */
  private boolean take(Message message) {
    if (Thread.currentThread().isInterrupted()) {
      return false;
    }
    JDA jda = message.getJDA();
    String botId = jda.getSelfUser().getId();
    MessageChannel channel = message.getChannel();
    Kind kind = DiscordInbound.kind(channel);
    String userId = kind == Kind.DIRECT && !message.getAuthor().getId().equals(botId) ? message.getAuthor().getId() : null;
    if (!DiscordInbound.accepts(message, botId, settings.botMessages())) {
      cursors.stored(channel.getId(), message.getId(), kind, userId);
      return true;
    }
    DiscordAttachments.Downloaded files = attachments.download(message);
    InboundEvent event =
        DiscordInbound.event(
            message,
            new DiscordInbound.Bot(botId, jda.getSelfUser().getName()),
            files.annotate(message.getContentRaw()),
            files.files());
    try {
      context.submit(event);
      // Also when dropped (no wiring takes the chat): the catch-up reads every readable chat, and
      // from the cursor on it fetches only what is new.
      cursors.stored(channel.getId(), message.getId(), kind, userId);
      return true;
    } catch (StoreUnavailableException e) {
      log.warn("Could not store Discord message {}; it is fetched again by a catch-up: {}", message.getId(), e.getMessage());
      cursors.hold(channel.getId(), Long.toUnsignedString(message.getIdLong() - 1), kind, userId);
      scheduleRetry(jda);
      return false;
    }
  }

  private void scheduleRetry(JDA jda) {
    ScheduledExecutorService current = worker;
    if (current == null || current.isShutdown() || !retryScheduled.compareAndSet(false, true)) {
      return;
    }
    current.schedule(
        () -> {
          retryScheduled.set(false);
          catchUp(jda);
        },
        RETRY_AFTER_STORE_FAILURE.toMillis(),
        TimeUnit.MILLISECONDS);
  }
}
