package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The durable reply log of every chat: one append-only JSON-lines file per chat in {@code folder},
 * named after the chat id in a form that cannot escape the folder. Integrators read it with a long
 * poll; a cursor is the byte offset just after an entry.
 *
 * <p>A chat is known once its file exists or an inbound message was accepted for it since start.
 *
 * <p>Known debt: each chat's dedupe index holds every outbound id the chat ever got, and files are
 * never pruned. Fix: keep a bounded window of recent ids and rotate old entries out with a
 * retention setting.
 */
final class WebhookFeed implements AutoCloseable {
  /** Chat ids up to this many UTF-8 bytes are named in hex; longer ones by their SHA-256. */
  private static final int MAX_HEX_NAMED_BYTES = 100;

  private final Path folder;
  private final Map<String, ChatFeed> chats = new ConcurrentHashMap<>();
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  WebhookFeed(Path folder) {
    this.folder = requireNonNull(folder, "folder is null");
  }

  boolean isKnown(String chat) {
    return accepted.contains(chat) || Files.exists(file(chat));
  }

  /**
   * Remembers that a message was accepted for {@code chat}, and creates its empty file so that the
   * chat stays known after a restart. In memory it is known even if the file cannot be made.
   */
  void markKnown(String chat) throws IOException {
    if (!accepted.add(chat)) {
      return;
    }
    Files.createDirectories(folder);
    try {
      Files.createFile(file(chat));
    } catch (FileAlreadyExistsException e) {
      // Known already from an earlier run.
    }
  }

  /** Appends an entry unless one with {@code id} is in the chat's feed; durable on return. */
  FeedAppend append(String chat, String id, String entry) throws IOException {
    requireNonNull(id, "id is null");
    requireNonNull(entry, "entry is null");
    if (entry.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("an entry must be one line");
    }
    return chat(chat).append(id, entry);
  }

  /**
   * Up to {@code limit} entries of {@code chat} after {@code after}; if there are none, waits up to
   * {@code wait} for one. Returns early, with what it has, when the feed is closed.
   */
  FeedPage read(String chat, long after, int limit, Duration wait) throws IOException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return chat(chat).read(after, limit, wait, () -> closed);
  }

  /** Wakes every long poll; they return what they have. Appends are still possible. */
  @Override
  public void close() {
    closed = true;
    chats.values().forEach(ChatFeed::wake);
  }

  /** The file name of a chat's feed: hex of its UTF-8 bytes, or of their SHA-256 when long. */
  static String fileName(String chat) {
    byte[] bytes = chat.getBytes(UTF_8);
    if (bytes.length > 0 && bytes.length <= MAX_HEX_NAMED_BYTES) {
      return HexFormat.of().formatHex(bytes) + ".jsonl";
    }
    // 's' is not a hex digit, so these names never meet the ones above.
    return "sha256-" + HexFormat.of().formatHex(sha256(bytes)) + ".jsonl";
  }

  private ChatFeed chat(String chat) {
    return chats.computeIfAbsent(chat, id -> new ChatFeed(file(id)));
  }

  private Path file(String chat) {
    return folder.resolve(fileName(chat));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
