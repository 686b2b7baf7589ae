package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply log of one chat: a JSON-lines file, appended to and never rewritten (except that a torn
 * last line left by a crash is cut off when the file is first loaded).
 *
 * <p>Invariant: the first {@code end} bytes of the file are complete lines and never change, so
 * readers may read below a snapshot of {@code end} without holding the lock. The lock is a {@link
 * ReentrantLock}, not {@code synchronized}, because long polls wait on it from virtual threads.
 */
final class ChatFeed {
  private static final Logger log = LoggerFactory.getLogger(ChatFeed.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition grown = lock.newCondition();
  // Guarded by lock: outbound id -> byte offset where its entry starts.
  private final Map<String, Long> starts = new HashMap<>();
  private long end; // guarded by lock
  private boolean loaded; // guarded by lock

  ChatFeed(Path file) {
    this.file = requireNonNull(file, "file is null");
  }

  /** Appends {@code entry} under {@code id} and forces it to disk, unless {@code id} is there. */
  FeedAppend append(String id, String entry) throws IOException {
    lock.lock();
    try {
      load();
      Long start = starts.get(id);
      if (start != null) {
        return new FeedAppend(lineAt(start), false);
      }
      byte[] line = (entry + "\n").getBytes(UTF_8);
      write(line);
      starts.put(id, end);
      end += line.length;
      grown.signalAll();
      return new FeedAppend(entry, true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Up to {@code limit} entries after {@code after}; when there are none yet, waits up to {@code
   * wait} for one, or until {@code closed} turns true and {@link #wake()} is called.
   */
  FeedPage read(long after, int limit, Duration wait, BooleanSupplier closed) throws IOException {
    long until;
    lock.lock();
    try {
      load();
      checkCursor(after);
      long nanos = wait.toNanos();
      while (end <= after && nanos > 0 && !closed.getAsBoolean()) {
        nanos = grown.awaitNanos(nanos);
      }
      until = end;
    } catch (InterruptedException e) {
      // awaitNanos holds the lock again when it throws, so end may be read here.
      Thread.currentThread().interrupt();
      until = end;
    } finally {
      lock.unlock();
    }
    return after >= until ? new FeedPage(List.of(), after) : lines(after, until, limit);
  }

  /** Wakes every waiting reader so that it rechecks whether the feed was closed. */
  void wake() {
    lock.lock();
    try {
      grown.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void checkCursor(long after) throws IOException {
    if (after > end || (after > 0 && byteAt(after - 1) != '\n')) {
      throw WebhookProblem.badRequest(
          "after is not a cursor of this chat; pass one this chat gave");
    }
  }

  // Called with the lock held. Builds the dedupe index and cuts off a torn last line.
  private void load() throws IOException {
    if (loaded) {
      return;
    }
    starts.clear();
    end = 0;
    if (Files.exists(file)) {
      long size = Files.size(file);
      end = scan(0, size, Integer.MAX_VALUE, this::index);
      if (end < size) {
        repair(size);
      }
    }
    loaded = true;
  }

  private void index(String line, long offset) {
    try {
      JsonNode id = JSON.readTree(line).get("id");
      if (id != null && id.isTextual()) {
        starts.put(id.textValue(), offset);
        return;
      }
    } catch (JacksonException e) {
      // Reported below: a damaged line stays in the file but cannot stop a repeat.
    }
    log.warn(
        "Reply log {} has an unreadable line at byte {}; it is kept but ignored", file, offset);
  }

  private void repair(long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(end);
      channel.force(false);
    }
    log.warn(
        "Reply log {} ended in a torn line ({} bytes, left by a crash); cut it off",
        file,
        size - end);
  }

  // Called with the lock held. Writes at end, not in append mode, so that a tail left by an
  // earlier failed write is overwritten instead of being glued to this line.
  private void write(byte[] line) throws IOException {
    // Only when the folder is missing: createDirectories on an existing folder throws and catches
    // twice inside the JDK, on every reply.
    if (!Files.isDirectory(file.getParent())) {
      Files.createDirectories(file.getParent());
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long size = channel.size();
      if (size < end) {
        loaded = false;
        throw new IOException("reply log " + file + " shrank outside the gateway; it is reloaded");
      }
      if (size > end) {
        channel.truncate(end);
      }
      ByteBuffer buffer = ByteBuffer.wrap(line);
      long position = end;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      channel.force(false);
    }
  }

  private String lineAt(long start) throws IOException {
    List<String> entries = lines(start, end, 1).entries();
    if (entries.isEmpty()) {
      throw new IOException("reply log " + file + " has no entry at byte " + start);
    }
    return entries.get(0);
  }

  private int byteAt(long position) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      return channel.read(one, position) == 1 ? one.get(0) : -1;
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  private FeedPage lines(long from, long until, int limit) throws IOException {
    List<String> lines = new ArrayList<>();
    long cursor = scan(from, until, limit, (line, start) -> lines.add(line));
    return new FeedPage(lines, cursor);
  }

  /**
   * Hands each complete line between byte offsets {@code from} and {@code until} (at most {@code
   * limit}) to {@code sink} with the offset where it starts; returns the offset after the last.
   */
  private long scan(long from, long until, int limit, LineSink sink) throws IOException {
    long cursor = from;
    int count = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel.position(from)))) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long position = from;
      int next;
      while (count < limit && position < until && (next = in.read()) >= 0) {
        position++;
        if (next == '\n') {
          sink.accept(line.toString(UTF_8), cursor);
          line.reset();
          cursor = position;
          count++;
        } else {
          line.write(next);
        }
      }
    }
    return cursor;
  }

  @FunctionalInterface
  private interface LineSink {
    void accept(String line, long start);
  }
}
