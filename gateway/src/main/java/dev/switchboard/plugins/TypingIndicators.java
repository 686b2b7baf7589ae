package dev.switchboard.plugins;

import dev.switchboard.plugin.api.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows that an agent is working: once a message is stored for a session, its chat gets a typing
 * hint at once and again every few seconds (platform indicators fade after about five), for as
 * long as the session has unfinished inbound work, two minutes at the most.
 */
final class TypingIndicators implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TypingIndicators.class);
  private static final Duration EVERY = Duration.ofSeconds(4);
  private static final Duration AT_MOST = Duration.ofMinutes(2);

  private final Function<String, java.util.Optional<Channel>> channels;
  private final Predicate<String> sessionBusy;
  private final Map<String, Chat> chats = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("typing").unstarted(r));

  private record Chat(String channelType, String platformId, String threadId, List<String> sessions, Instant since) {}

  /**
   * @param channels the running channel of a type
   * @param sessionBusy whether a session still has inbound work its agent has not finished
   */
  TypingIndicators(Function<String, java.util.Optional<Channel>> channels, Predicate<String> sessionBusy) {
    this(channels, sessionBusy, EVERY);
  }

  TypingIndicators(
      Function<String, java.util.Optional<Channel>> channels, Predicate<String> sessionBusy, Duration every) {
    this.channels = channels;
    this.sessionBusy = sessionBusy;
    timer.scheduleWithFixedDelay(this::repeat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void started(String channelType, String platformId, String threadId, List<String> sessions) {
    Chat chat = new Chat(channelType, platformId, threadId, List.copyOf(sessions), Instant.now());
    chats.put(channelType + "|" + platformId + "|" + threadId, chat);
    Thread.ofVirtual().name("typing-" + channelType).start(() -> hint(chat));
  }

  private void repeat() {
    Instant now = Instant.now();
    chats.forEach(
        (key, chat) -> {
          if (chat.since().plus(AT_MOST).isBefore(now) || chat.sessions().stream().noneMatch(this::busy)) {
            chats.remove(key, chat);
          } else {
            hint(chat);
          }
        });
  }

  private boolean busy(String sessionId) {
    try {
      return sessionBusy.test(sessionId);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void hint(Chat chat) {
    try {
      channels.apply(chat.channelType()).ifPresent(c -> c.typing(chat.platformId(), chat.threadId()));
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("typing hint to {}/{} failed: {}", chat.channelType(), chat.platformId(), e.toString());
    }
  }

  /** Chats still getting hints. */
  int tracked() {
    return chats.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    chats.clear();
  }
}
