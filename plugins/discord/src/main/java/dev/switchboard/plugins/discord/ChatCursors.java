package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * For every Discord channel the bot has taken a message from, the newest message stored: where the
 * catch-up after a reconnect or restart starts; and when the channel first connected, before which
 * nothing is caught up in a chat without a cursor. Kept in {@code cursors.properties} in the
 * channel's data folder, rewritten whole (through a temporary file and an atomic move) on every
 * change.
 *
 * <p>A cursor only moves forward, and only past messages the gateway stored: after a message could
 * not be stored, the cursor of its chat is held where it was until a catch-up gets past it.
 */
final class ChatCursors {

  /** Where a Discord channel sits, which the catch-up needs to find it again after a restart. */
  enum Kind {
    TEXT,
    THREAD,
    DIRECT
  }

  /**
   * @param channelId the Discord channel whose messages these are (a thread's own id for threads)
   * @param lastMessageId the newest message stored from it
   * @param kind what kind of channel it is
   * @param userId for direct messages, the other person (a DM channel is opened through them)
   */
  record Cursor(String channelId, String lastMessageId, Kind kind, String userId) {
    Cursor {
      requireNonNull(channelId, "channelId is null");
      requireNonNull(lastMessageId, "lastMessageId is null");
      requireNonNull(kind, "kind is null");
    }

    String encode() {
      return lastMessageId + " " + kind.name() + (userId == null ? "" : " " + userId);
    }

    static Optional<Cursor> decode(String channelId, String text) {
      String[] parts = text.trim().split(" ");
      try {
        Kind kind = Kind.valueOf(parts[1]);
        Long.parseUnsignedLong(parts[0]);
        return Optional.of(new Cursor(channelId, parts[0], kind, parts.length > 2 ? parts[2] : null));
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        return Optional.empty();
      }
    }
  }

  private static final String SINCE = "since"; // not a channel id: those are all digits

  private final Path file;
  // Guarded by this.
  private final Map<String, Cursor> cursors = new TreeMap<>();
  private final java.util.Set<String> held = new java.util.HashSet<>();
  private Instant since;

  ChatCursors(Path file) {
    this.file = requireNonNull(file, "file is null");
    load();
  }

  synchronized List<Cursor> all() {
    return new ArrayList<>(cursors.values());
  }

  /**
   * When this channel first connected to Discord: {@code now} the first time it is asked, and the
   * same moment ever after. Chats without a cursor are caught up from there at the earliest, so
   * that a new bot does not hand its agents the history of every chat it can read.
   */
  synchronized Instant since(Instant now) {
    if (since == null) {
      since = now;
      save();
    }
    return since;
  }

  synchronized Optional<Cursor> get(String channelId) {
    return Optional.ofNullable(cursors.get(channelId));
  }

  /**
   * Records that a message of this channel was stored (or was already), moving the cursor forward
   * unless a message before it could not be stored.
   */
  synchronized void stored(String channelId, String messageId, Kind kind, String userId) {
    if (held.contains(channelId)) {
      return;
    }
    Cursor current = cursors.get(channelId);
    if (current != null && Long.parseUnsignedLong(current.lastMessageId()) >= Long.parseUnsignedLong(messageId)) {
      return;
    }
    cursors.put(channelId, new Cursor(channelId, messageId, kind, userId != null ? userId : current == null ? null : current.userId()));
    save();
  }

  /**
   * Records that a message of this channel could not be stored: the cursor stays before it until
   * {@link #release} after a catch-up, so that the catch-up fetches it again.
   */
  synchronized void hold(String channelId, String messageIdBefore, Kind kind, String userId) {
    if (!cursors.containsKey(channelId) && messageIdBefore != null) {
      cursors.put(channelId, new Cursor(channelId, messageIdBefore, kind, userId));
      save();
    }
    held.add(channelId);
  }

  synchronized void release(String channelId) {
    held.remove(channelId);
  }

  synchronized boolean isHeld(String channelId) {
    return held.contains(channelId);
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Discord catch-up state " + file, e);
    }
    String first = properties.getProperty(SINCE);
    if (first != null) {
      try {
        since = Instant.ofEpochMilli(Long.parseLong(first.trim()));
      } catch (NumberFormatException e) {
        since = null; // asked again, it becomes the moment of asking
      }
    }
    for (String channelId : properties.stringPropertyNames()) {
      if (channelId.equals(SINCE)) {
        continue;
      }
      Cursor.decode(channelId, properties.getProperty(channelId)).ifPresent(c -> cursors.put(channelId, c));
    }
  }

  private void save() {
    Properties properties = new Properties();
    cursors.values().forEach(c -> properties.setProperty(c.channelId(), c.encode()));
    if (since != null) {
      properties.setProperty(SINCE, Long.toString(since.toEpochMilli()));
    }
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        properties.store(
            out, "newest stored message per Discord channel: id kind [user]; since: first connected (epoch ms)");
      }
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // The catch-up then starts from an older message; the gateway drops what it has already.
      throw new UncheckedIOException("cannot write the Discord catch-up state " + file, e);
    }
  }
}
