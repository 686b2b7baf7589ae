package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Maps the callback data of inline buttons back to the question and option they stand for.
 * Telegram allows 64 bytes of callback data, less than a question id and an option value may take,
 * so each button carries {@code q1:<key>:<option index>} and the key names a small file in the
 * channel's data folder holding the question. Files survive restarts, so a button pressed after one
 * still finds its question.
 *
 * <p>Known debt: the files are never removed. Fix: delete a question's file once its answer is
 * stored, and files older than a month at start.
 */
final class QuestionStore {
  private static final String PREFIX = "q1:";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;

  /** One question as stored: enough to rebuild the answer from a press. */
  record Stored(String questionId, String chat, List<String> labels, List<String> values) {}

  /** A press decoded: the question and the option chosen. */
  record Choice(String questionId, String label, String value) {}

  QuestionStore(Path folder) {
    this.folder = folder;
  }

  /** Stores the question; returns the callback data of each option, in order. */
  List<String> save(String chat, Question question) throws IOException {
    String key = key(chat, question.questionId());
    Stored stored =
        new Stored(
            question.questionId(),
            chat,
            question.options().stream().map(Option::label).toList(),
            question.options().stream().map(Option::value).toList());
    Files.createDirectories(folder);
    Path target = folder.resolve(key + ".json");
    Path temporary = Files.createTempFile(folder, key, ".tmp");
    try {
      Files.write(temporary, JSON.writeValueAsBytes(stored));
      move(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return java.util.stream.IntStream.range(0, question.options().size())
        .mapToObj(i -> PREFIX + key + ":" + i)
        .toList();
  }

  /** The choice a button's data stands for, or empty when it is not one of ours or is gone. */
  Optional<Choice> find(String chat, String data) {
    if (data == null || !data.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = data.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9_-]{1,32}") || !parts[1].matches("\\d{1,3}")) {
      return Optional.empty();
    }
    Stored stored;
    try {
      stored = JSON.readValue(Files.readAllBytes(folder.resolve(parts[0] + ".json")), Stored.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int index = Integer.parseInt(parts[1]);
    if (!stored.chat().equals(chat) || index >= stored.values().size()) {
      return Optional.empty();
    }
    return Optional.of(new Choice(stored.questionId(), stored.labels().get(index), stored.values().get(index)));
  }

  // The same question to the same chat gets the same key, so a retried delivery overwrites it.
  private static String key(String chat, String questionId) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest((chat + '\u0000' + questionId).getBytes(UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
