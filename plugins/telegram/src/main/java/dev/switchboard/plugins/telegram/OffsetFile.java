package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.FileOutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The polling offset, kept in one small file: the id of the next update to ask Telegram for.
 * Telegram forgets every update below the offset a getUpdates call names, so the offset moves past
 * an update only after the gateway has stored it. Written to a temporary file, forced to disk and
 * renamed over the old one, so a crash leaves either the old offset or the new one.
 */
final class OffsetFile {
  private final Path file;

  OffsetFile(Path file) {
    this.file = file;
  }

  /** The saved offset, or 0 (ask for everything Telegram still holds) when there is none. */
  long load() throws IOException {
    try {
      String text = Files.readString(file, UTF_8).strip();
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (NumberFormatException e) {
      throw new IOException("the polling offset in " + file + " is not a number; delete the file to"
          + " read every update Telegram still holds", e);
    }
  }

  void save(long offset) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    // A stream, not a FileChannel: an interrupt (the channel closing) must not abort the write.
    try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
      out.write((offset + "\n").getBytes(UTF_8));
      out.getFD().sync();
    }
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
