package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.StoreUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending journal: messages acknowledged to Slack before the gateway stored them. Downloading
 * a message's files can take longer than the 3 seconds Slack waits for its acknowledgement, so
 * such a message is written here first, one file per message in the channel's data folder, forced
 * to disk together with the folder, and only then acknowledged. One worker thread then downloads
 * the files, submits the message and deletes the entry. Entries a stop or a crash left behind are
 * taken up again at the next start.
 *
 * <p>Order: entries are handled one at a time in the order they were written, and while a chat has
 * an entry here, its later messages come here too (see {@link #holdsChat}), so one chat's messages
 * reach the gateway in the order Slack sent them. Known debt: one slow download holds back the
 * journaled messages of other chats as well; a worker per chat would not.
 *
 * <p>Once: a message (channel and ts) is written at most once while its entry exists; a retry of it
 * is acknowledged without writing. An entry submitted just before a crash, and not yet deleted, is
 * submitted again at the next start; the gateway knows its message id and keeps one copy.
 */
final class SlackPending {
  private static final Logger log = LoggerFactory.getLogger(SlackPending.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration LAST_RETRY = Duration.ofSeconds(30);
  private static final String SUFFIX = ".json";

  /** Stores one journaled message; what the worker runs for each entry. */
  @FunctionalInterface
  interface Store {
    /**
     * Stores the message of a Slack {@code event}. Returns false, having submitted nothing, when
     * {@code stopping} turned true first; throws {@link StoreUnavailableException} when the gateway
     * could not store it.
     */
    boolean store(JsonObject event, BooleanSupplier stopping);
  }

  private record Entry(Path file, String channel, String ts, JsonObject event) {
    String key() {
      return channel + "/" + ts;
    }
  }

  private final Path folder;
  private final Store store;
  private final Object lock = new Object();
  private final ArrayDeque<Entry> queue = new ArrayDeque<>(); // guarded by lock
  private long nextNumber; // guarded by lock
  private boolean stopping; // guarded by lock
  private Thread worker; // guarded by lock

  /** Opens the journal in {@code folder}, creating it; entries found there are queued first. */
  SlackPending(Path folder, Store store) throws IOException {
    this.folder = requireNonNull(folder, "folder is null");
    this.store = requireNonNull(store, "store is null");
    Files.createDirectories(folder);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> listed = Files.newDirectoryStream(folder)) {
      listed.forEach(files::add);
    }
    files.sort(null);
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.endsWith(".tmp")) {
        Files.deleteIfExists(file); // written before a crash, never acknowledged
        continue;
      }
      if (!name.endsWith(SUFFIX)) {
        continue;
      }
      number(name).ifPresent(n -> nextNumber = Math.max(nextNumber, n + 1));
      Optional<Entry> entry = read(file);
      if (entry.isPresent()) {
        queue.add(entry.get());
      } else {
        log.warn("Set aside a Slack journal entry that cannot be read: {}", file);
        Files.move(file, file.resolveSibling(name + ".broken"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (!queue.isEmpty()) {
      log.info("{} Slack message(s) acknowledged before a stop are still to be stored", queue.size());
    }
  }

  /** Starts the worker; entries left from before are handled first. */
  void start() {
    synchronized (lock) {
      if (worker != null || stopping) {
        return;
      }
      worker = Thread.ofPlatform().name("slack-pending").daemon().start(this::work);
    }
  }

  /** Whether the message (channel and ts) has an entry that is not stored yet. */
  boolean holds(String channel, String ts) {
    String key = channel + "/" + ts;
    synchronized (lock) {
      return queue.stream().anyMatch(e -> e.key().equals(key));
    }
  }

  /** Whether a message of this chat waits here; a later one must then come here too. */
  boolean holdsChat(String channel) {
    synchronized (lock) {
      return queue.stream().anyMatch(e -> e.channel().equals(channel));
    }
  }

  /**
   * Writes the message of {@code event} (a {@code message} or {@code app_mention} event with a
   * string channel and ts) to disk and queues it. Returns once the entry is durable, the moment
   * Slack may be acknowledged. A message that has an entry already is not written again.
   */
  void add(JsonObject event) throws IOException {
    String channel = SlackInbound.string(event, "channel");
    String ts = SlackInbound.string(event, "ts");
    // Held while writing, so that two deliveries of one message never write two entries and the
    // numbers follow the order of the acknowledgements.
    synchronized (lock) {
      if (stopping) {
        throw new IOException("the Slack channel is stopping");
      }
      if (holds(channel, ts)) {
        return;
      }
      String name = String.format("%019d", nextNumber++) + SUFFIX;
      Path file = folder.resolve(name);
      Path temporary = folder.resolve(name + ".tmp");
      try (FileChannel out =
          FileChannel.open(
              temporary,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(event.toString().getBytes(UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      // The rename is durable only once the folder is.
      try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
        directory.force(true);
      }
      queue.add(new Entry(file, channel, ts, event));
      lock.notifyAll();
    }
  }

  /** Tells the worker to stop after the entry it is on; entries not stored stay on disk. */
  void stop() {
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
    }
  }

  private boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  /** Waits up to {@code grace} for the worker to end; false when it is still running. */
  boolean awaitStopped(Duration grace) throws InterruptedException {
    Thread current;
    synchronized (lock) {
      current = worker;
    }
    return current == null || current.join(grace);
  }

  private void work() {
    Duration retry = FIRST_RETRY;
    while (true) {
      Entry next;
      synchronized (lock) {
        while (queue.isEmpty() && !stopping) {
          waitOn(Duration.ZERO);
        }
        if (stopping) {
          return;
        }
        next = queue.peekFirst();
      }
      try {
        if (!store.store(next.event(), this::isStopping)) {
          return;
        }
        done(next);
        retry = FIRST_RETRY;
      } catch (StoreUnavailableException e) {
        log.warn(
            "A journaled Slack message ({}) could not be stored, trying again in {} s: {}",
            next.key(),
            retry.toSeconds(),
            e.getMessage());
        synchronized (lock) {
          if (!stopping) {
            waitOn(retry);
          }
        }
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
      } catch (RuntimeException e) {
        // Not a passing problem: trying again would hold back every entry after it.
        log.error("Set aside the journaled Slack message {}: {}", next.key(), e.toString(), e);
        setAside(next);
      }
    }
  }

  private void done(Entry entry) {
    synchronized (lock) {
      queue.remove(entry);
    }
    try {
      Files.deleteIfExists(entry.file());
    } catch (IOException e) {
      // Found again at the next start and submitted again: the gateway keeps one copy.
      log.warn("Could not delete the Slack journal entry {}: {}", entry.file(), e.toString());
    }
  }

  private void setAside(Entry entry) {
    synchronized (lock) {
      queue.remove(entry);
    }
    try {
      Files.move(
          entry.file(),
          entry.file().resolveSibling(entry.file().getFileName() + ".failed"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("Could not set aside the Slack journal entry {}: {}", entry.file(), e.toString());
    }
  }

  // Called under lock.
  private void waitOn(Duration timeout) {
    try {
      lock.wait(timeout.toMillis());
    } catch (InterruptedException e) {
      stopping = true;
      Thread.currentThread().interrupt();
    }
  }

  private static Optional<Entry> read(Path file) {
    try {
      Optional<JsonObject> event = SlackEventsApi.json(Files.readString(file, UTF_8));
      if (event.isEmpty()) {
        return Optional.empty();
      }
      String channel = SlackInbound.string(event.get(), "channel");
      String ts = SlackInbound.string(event.get(), "ts");
      return channel == null || ts == null
          ? Optional.empty()
          : Optional.of(new Entry(file, channel, ts, event.get()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> number(String name) {
    try {
      return Optional.of(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
