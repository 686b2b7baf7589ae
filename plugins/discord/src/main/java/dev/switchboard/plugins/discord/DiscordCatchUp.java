package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugins.discord.ChatCursors.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageHistory;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.utils.TimeUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the messages written while the gateway was down or disconnected and hands them over, oldest
 * first, as if they had just arrived. Run after every new or resumed gateway session (the first one
 * after a restart included); the gateway ignores a message id it has already stored, so a message
 * that also came live, or in a RESUME's replay, is stored once.
 *
 * <p>Which chats: every chat with a cursor (the newest message taken from it), and every server
 * channel and thread the bot can read (View Channel and Read Message History), threads created while
 * the bot was away included, as the session's server data lists every active thread. The gateway
 * does not tell a channel which chats are wired, so each readable one is fetched; the gateway drops
 * messages of chats no wiring takes. A chat whose newest message (as Discord's channel data says) is
 * not newer than where its catch-up would start is not asked, so a reconnect costs one request per
 * chat with news, not per chat.
 *
 * <p>From where: after the chat's cursor; for a chat without one, after the moment this channel
 * first connected (a new bot does not read old history). Never further back than {@code maxAge}.
 *
 * <p>How much: at most {@code maxMessages} per chat, the newest ones. When more were written, the
 * older ones are skipped for good, with a warning naming the chat: the newest are what an agent
 * should answer, and a later catch-up cannot take the skipped ones up either, since messages that
 * arrive live move the cursor past them.
 */
final class DiscordCatchUp {
  private static final Logger log = LoggerFactory.getLogger(DiscordCatchUp.class);
  private static final int PAGE = 100; // the most Discord returns per history request
  private static final Permission[] READ = {Permission.VIEW_CHANNEL, Permission.MESSAGE_HISTORY};

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
    Instant now = clock.instant();
    Instant since = cursors.since(now);
    if (maxMessages == 0) {
      return;
    }
    Map<String, String> after = new LinkedHashMap<>(); // chat -> the message id to fetch after
    for (Cursor cursor : cursors.all()) {
      after.put(cursor.channelId(), startAfter(cursor.lastMessageId(), now, maxAge));
    }
    String sinceFirstConnected = startAfter(Long.toUnsignedString(snowflakeAt(since)), now, maxAge);
    for (GuildMessageChannel channel : readable(jda)) {
      after.putIfAbsent(channel.getId(), sinceFirstConnected);
    }
    for (Map.Entry<String, String> chat : after.entrySet()) {
      String channelId = chat.getKey();
      try {
        MessageChannel channel = find(jda, channelId);
        if (channel == null) {
          log.debug("Discord channel {} is no longer visible to the bot; not catching up", channelId);
          continue;
        }
        cursors.release(channelId);
        if (Long.compareUnsigned(channel.getLatestMessageIdLong(), Long.parseUnsignedLong(chat.getValue())) <= 0
            && channel.getLatestMessageIdLong() != 0) {
          continue; // nothing newer was written (0: not known, so ask)
        }
        int taken = catchUp(channel, Long.parseUnsignedLong(chat.getValue()), take);
        if (taken > 0) {
          log.info("Caught up {} message(s) written in Discord channel {} while disconnected", taken, channelId);
        }
      } catch (RuntimeException e) {
        log.warn("Could not catch up Discord channel {}: {}", channelId, e.toString());
      }
    }
  }

  /** Takes the newest {@code maxMessages} messages after {@code after}, oldest first. */
  private int catchUp(MessageChannel channel, long after, Predicate<Message> take) {
    List<Message> newer = new ArrayList<>(); // newest first; one more than the cap tells of a skip
    MessageHistory history = channel.getHistory();
    while (newer.size() <= maxMessages) {
      int wanted = Math.min(PAGE, maxMessages + 1 - newer.size());
      List<Message> page = new ArrayList<>(history.retrievePast(wanted).complete());
      page.sort(Comparator.comparingLong(Message::getIdLong).reversed());
      boolean reachedTaken = false;
      for (Message message : page) {
        if (Long.compareUnsigned(message.getIdLong(), after) > 0) {
          newer.add(message);
        } else {
          reachedTaken = true;
        }
      }
      if (reachedTaken || page.size() < wanted) {
        break;
      }
    }
    if (newer.size() > maxMessages) {
      newer = newer.subList(0, maxMessages);
      log.warn(
          "Discord channel {} had more than {} messages to catch up: took the newest {} and skipped the"
              + " older ones, written before message {}, for good (catchUp.maxMessages sets how many"
              + " are taken)",
          channel.getId(),
          maxMessages,
          maxMessages,
          newer.getLast().getId());
    }
    int taken = 0;
    for (Message message : newer.reversed()) {
      if (!take.test(message)) {
        return taken;
      }
      taken++;
    }
    return taken;
  }

  /** The server channels and threads the bot may read the history of, from JDA's cache. */
  private static List<GuildMessageChannel> readable(JDA jda) {
    List<GuildMessageChannel> readable = new ArrayList<>();
    for (Guild guild : jda.getGuilds()) {
      Member self = guild.getSelfMember();
      List<GuildChannel> channels = new ArrayList<>(guild.getChannels());
      channels.addAll(guild.getThreadChannels());
      for (GuildChannel channel : channels) {
        if (channel instanceof GuildMessageChannel messages && self.hasPermission(channel, READ)) {
          readable.add(messages);
        }
      }
    }
    return readable;
  }

  private MessageChannel find(JDA jda, String channelId) {
    GuildMessageChannel inServer = jda.getChannelById(GuildMessageChannel.class, channelId);
    if (inServer != null) {
      return inServer;
    }
    MessageChannel cached = jda.getPrivateChannelById(channelId);
    if (cached != null) {
      return cached;
    }
    // A DM channel is cached only once a DM arrived in this run; the cursor remembers its person.
    String userId = cursors.get(channelId).map(Cursor::userId).orElse(null);
    return userId == null ? null : jda.openPrivateChannelById(userId).complete();
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
