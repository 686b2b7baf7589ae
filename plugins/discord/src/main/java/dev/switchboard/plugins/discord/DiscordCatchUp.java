package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugins.discord.ChatCursors.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.utils.TimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches, for every chat the bot has stored messages from, the messages newer than the last one
 * stored, oldest first, and hands them over as if they had just arrived. Run after every new or
 * resumed gateway session (the first one after a restart included), so that what was written while
 * the gateway was down or disconnected still reaches the agents once; the gateway ignores a message
 * id it has already stored.
 *
 * <p>Bounded twice: at most {@code maxMessages} per chat, and nothing older than {@code maxAge}.
 */
final class DiscordCatchUp {
  private static final Logger log = LoggerFactory.getLogger(DiscordCatchUp.class);
  private static final int PAGE = 100; // the most Discord returns per history request

  private final ChatCursors cursors;
  private final int maxMessages;
  private final Duration maxAge;
  private final Clock clock;

  DiscordCatchUp(ChatCursors cursors, int maxMessages, Duration maxAge, Clock clock) {
    this.cursors = requireNonNull(cursors, "cursors is null");
    this.maxMessages = maxMessages;
    this.maxAge = requireNonNull(maxAge, "maxAge is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Catches up every chat in turn. {@code take} hands one message over and says whether it was
   * stored; when it was not, that chat's catch-up stops there and is tried again later.
   */
  void run(JDA jda, Predicate<Message> take) {
    if (maxMessages == 0) {
      return;
    }
    for (Cursor cursor : cursors.all()) {
      try {
        MessageChannel channel = find(jda, cursor);
        if (channel == null) {
          log.debug("Discord channel {} is no longer visible to the bot; not catching up", cursor.channelId());
          continue;
        }
        cursors.release(cursor.channelId());
        int taken = catchUp(channel, cursor, take);
        if (taken > 0) {
          log.info("Caught up {} message(s) written in Discord channel {} while disconnected", taken, cursor.channelId());
        }
      } catch (RuntimeException e) {
        log.warn("Could not catch up Discord channel {}: {}", cursor.channelId(), e.toString());
      }
    }
  }

  private int catchUp(MessageChannel channel, Cursor cursor, Predicate<Message> take) {
    String after = startAfter(cursor.lastMessageId(), clock.instant(), maxAge);
    int taken = 0;
    while (taken < maxMessages) {
      int limit = Math.min(PAGE, maxMessages - taken);
      List<Message> page =
          new ArrayList<>(MessageHistory.getHistoryAfter(channel, after).limit(limit).complete().getRetrievedHistory());
      page.sort(Comparator.comparingLong(Message::getIdLong));
      for (Message message : page) {
        if (!take.test(message)) {
          return taken;
        }
        taken++;
        after = message.getId();
      }
      if (page.size() < limit) {
        return taken;
      }
    }
    log.warn(
        "Discord channel {} had more than {} messages to catch up; the later ones are left for the next"
            + " catch-up (raise catchUp.maxMessages to take more at once)",
        cursor.channelId(),
        maxMessages);
    return taken;
  }

  private static MessageChannel find(JDA jda, Cursor cursor) {
    return switch (cursor.kind()) {
      case TEXT, THREAD -> jda.getChannelById(GuildMessageChannel.class, cursor.channelId());
      case DIRECT -> {
        MessageChannel cached = jda.getPrivateChannelById(cursor.channelId());
        yield cached != null || cursor.userId() == null
            ? cached
            : jda.openPrivateChannelById(cursor.userId()).complete();
      }
    };
  }

  /**
   * The message id to fetch after: the last one stored, or the first moment of the age limit if
   * that is later (a snowflake id holds its creation time, so a time can be written as an id).
   */
  static String startAfter(String lastMessageId, Instant now, Duration maxAge) {
    long oldest = snowflakeAt(now.minus(maxAge));
    long last = Long.parseUnsignedLong(lastMessageId);
    return Long.toUnsignedString(Math.max(last, oldest));
  }

  static long snowflakeAt(Instant time) {
    long millis = Math.max(0, time.toEpochMilli() - TimeUtil.DISCORD_EPOCH);
    return millis << TimeUtil.TIMESTAMP_OFFSET;
  }
}
