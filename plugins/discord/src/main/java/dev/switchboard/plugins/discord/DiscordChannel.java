package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugins.discord.DiscordClient.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.exceptions.RateLimitedException;
import net.dv8tion.jda.api.requests.CloseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Discord bot: server text channels, threads and direct messages, through one JDA gateway
 * session. Inbound messages are taken one at a time, in order, on the channel's own thread ({@link
 * DiscordReceiver}); outbound messages go out through JDA's REST client ({@link DiscordOutbound}).
 */
final class DiscordChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(DiscordChannel.class);
  private static final String MISSING_INTENT =
      "the Message Content intent is not enabled for this bot, so it reads only messages that"
          + " mention it, reply to it or are sent to it directly. To read every message, enable"
          + " 'Message Content Intent' on the Bot page of the Discord developer portal and"
          + " restart";

  private final DiscordSettings settings;
  private final ChannelContext context;
  private final Clock clock;
  private final ChatCursors cursors;
  private final QuestionButtons buttons;
  private final DiscordOutbound outbound;
  private final DiscordInteractions interactions; // null without a public key
  private final DiscordReceiver receiver;
  // Guards replacing the client (after a refused intent) against close(); notified on each change.
  private final Object lifecycle = new Object();
  private volatile DiscordClient client;
  private volatile String missingIntent; // set when Message Content was refused
  private volatile String reconnectFailure; // set when connecting without the intent failed
  private volatile boolean closed;

  DiscordChannel(DiscordSettings settings, ChannelContext context, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.cursors = new ChatCursors(context.dataDir().resolve("cursors.properties"));
    this.buttons = new QuestionButtons(context.dataDir().resolve("questions.log"));
    this.outbound = new DiscordOutbound(buttons);
    QuestionPresses presses = new QuestionPresses(context, buttons);
    this.interactions =
        settings.publicKey() == null
            ? null
            : new DiscordInteractions(
                settings.publicKey(),
                presses,
                InteractionFollowUps.over(settings.apiUrl(), settings.requestTimeout()),
                clock);
    this.receiver =
        new DiscordReceiver(
            settings,
            context,
            cursors,
            presses,
            new DiscordCatchUp(cursors, settings.catchUpMaxMessages(), settings.catchUpMaxAge(), clock));
  }

  @Override
  public void start() throws IOException, InterruptedException {
    Files.createDirectories(context.dataDir().resolve("files"));
    cursors.since(clock.instant()); // the first start ever: catch-ups never reach back before it
    DiscordClient first;
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the Discord channel was closed");
      }
      receiver.open();
      first = DiscordClient.connect(settings, settings.messageContent(), receiver, this::shutDown);
      client = first;
    }
    long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
    Outcome outcome = first.awaitFirstSession(settings.readyTimeout());
    if (refusedMessageContent(first, outcome)) {
      // shutDown() is connecting again without the intent; wait for that session instead.
      DiscordClient next = awaitReplacement(first, deadline);
      if (next != null) {
        outcome = next.awaitFirstSession(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } else if (reconnectFailure == null) {
        outcome = new Outcome.StillConnecting();
      } // else it stays refused, and the failure to connect again is told below
    }
    switch (outcome) {
      case Outcome.Ready ready -> log.info("Discord channel started with {}", settings);
      case Outcome.StillConnecting connecting ->
          log.warn("Discord gateway not ready after {}; still trying in the background", settings.readyTimeout());
      case Outcome.Refused refused -> {
        DiscordClient current = client;
        current.close();
        throw new IllegalStateException(
            "Discord refused the gateway session: "
                + (reconnectFailure != null ? reconnectFailure : refused.reason()));
      }
    }
  }

  private static boolean refusedMessageContent(DiscordClient client, Outcome outcome) {
    return outcome instanceof Outcome.Refused refused
        && refused.closeCode() == CloseCode.DISALLOWED_INTENTS
        && client.asksForMessageContent();
  }

  /** The client that replaced {@code old}, or null if none came before the deadline. */
  private DiscordClient awaitReplacement(DiscordClient old, long deadline) throws InterruptedException {
    synchronized (lifecycle) {
      while (client == old && reconnectFailure == null && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(lifecycle, left);
      }
      return client == old ? null : client;
    }
  }

  /**
   * Discord ended a session for good (JDA's thread). When it refused the Message Content intent,
   * at start or on any later reconnect (the intent can be switched off in the developer portal at
   * any time), the channel says so once and goes on without it, reading mentions, replies and DMs.
   * Any other refusal (a revoked token) stays a problem until a restart with better settings.
   */
  private void shutDown(DiscordClient from, CloseCode closeCode) {
    if (closeCode != CloseCode.DISALLOWED_INTENTS || !from.asksForMessageContent()) {
      log.error(
          "Discord ended the gateway session: {}", from.shutDownBy().orElse("no reason given"));
      return;
    }
    // Not on JDA's thread: closing a JDA from its own thread waits on itself.
    Thread.ofPlatform().name("discord-reconnect").daemon(true).start(() -> reconnectWithoutIntent(from));
  }

  private void reconnectWithoutIntent(DiscordClient from) {
    synchronized (lifecycle) {
      try {
        if (closed || client != from) {
          return;
        }
        missingIntent = MISSING_INTENT;
        log.warn("Discord: {}", missingIntent);
        from.close();
        client = DiscordClient.connect(settings, false, receiver, this::shutDown);
      } catch (RuntimeException e) {
        reconnectFailure = "could not connect again without the Message Content intent: " + e.getMessage();
        log.error("Discord: {}", reconnectFailure);
      } finally {
        lifecycle.notifyAll();
      }
    }
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    DiscordClient current = client;
    if (closed || current == null) {
      return new Transient("the Discord channel is " + (closed ? "shut down" : "not started yet"));
    }
    if (!current.wasReady()) {
      return new Transient("not connected to the Discord gateway yet");
    }
    MessageChannel target;
    try {
      target = target(current.jda(), message.platformId(), message.threadId());
    } catch (RateLimitedException | RuntimeException e) {
      return DiscordFailures.classify(e);
    }
    if (target == null) {
      String id = message.threadId() != null ? message.threadId() : message.platformId();
      return new Permanent(
          "Discord channel " + id + " is not one the bot can see (deleted, an archived thread, or"
              + " a server the bot is not in)");
    }
    return outbound.send(target, message);
  }

  /** The chat or thread to send to, from JDA's cache, or for a DM opened through its person. */
  private MessageChannel target(JDA jda, String platformId, String threadId) throws RateLimitedException {
    String id = threadId != null ? threadId : platformId;
    GuildMessageChannel inServer = jda.getChannelById(GuildMessageChannel.class, id);
    if (inServer != null) {
      return inServer;
    }
    MessageChannel direct = jda.getPrivateChannelById(id);
    if (direct != null) {
      return direct;
    }
    // A DM channel is cached only once a DM arrived in this run; the cursor remembers its person.
    Optional<String> user = cursors.get(id).map(ChatCursors.Cursor::userId);
    return user.isPresent() ? jda.openPrivateChannelById(user.get()).complete(false) : null;
  }

  @Override
  public void typing(String platformId, String threadId) {
    DiscordClient current = client;
    if (closed || current == null || !current.wasReady()) {
      return;
    }
    String id = threadId != null ? threadId : platformId;
    JDA jda = current.jda();
    MessageChannel target = jda.getChannelById(GuildMessageChannel.class, id);
    if (target == null) {
      target = jda.getPrivateChannelById(id);
    }
    if (target != null) {
      // A hint only: a failure (no permission, rate limit) is not worth more than a debug line.
      target.sendTyping().queue(null, e -> log.debug("Typing indicator failed in {}: {}", id, e.toString()));
    }
  }

  @Override
  public void close() {
    DiscordClient current;
    synchronized (lifecycle) {
      closed = true;
      current = client;
      lifecycle.notifyAll();
    }
    receiver.close();
    if (interactions != null) {
      interactions.close();
    }
    if (current != null) {
      current.close();
    }
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.TEXT,
        Capability.MARKDOWN,
        Capability.THREADS,
        Capability.EDIT,
        Capability.REACTION,
        Capability.QUESTION,
        Capability.FILES,
        Capability.TYPING);
  }

  @Override
  public List<WebhookRoute> webhookRoutes() {
    return interactions == null ? List.of() : List.of(WebhookRoute.post("interactions", interactions::handle));
  }

  /** Discord allows about 5 messages per 5 seconds in one channel. */
  @Override
  public RateLimit rateLimit() {
    return new RateLimit(5, Duration.ofSeconds(1));
  }

  @Override
  public Optional<String> problem() {
    DiscordClient current = client;
    if (reconnectFailure != null) {
      return Optional.of(reconnectFailure);
    }
    if (current != null && !closed && current.shutDownBy().isPresent() && current.jda().getStatus() == JDA.Status.SHUTDOWN) {
      return Optional.of("Discord ended the gateway session: " + current.shutDownBy().get());
    }
    if (missingIntent != null) {
      return Optional.of(missingIntent);
    }
    if (current != null && !closed && !current.isConnected()) {
      return Optional.of("connecting to the Discord gateway");
    }
    return Optional.empty();
  }
}
