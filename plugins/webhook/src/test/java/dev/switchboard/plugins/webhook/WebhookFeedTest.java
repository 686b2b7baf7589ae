package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookFeedTest {
  @TempDir Path dataDir;

  private Path folder() {
    return dataDir.resolve("feeds");
  }

  @Test
  void entries_survive_reopening_and_a_repeated_id_is_still_recognised() throws IOException {
    WebhookFeed first = new WebhookFeed(folder());
    first.append("demo", "o-1", "{\"id\":\"o-1\"}");
    first.append("demo", "o-2", "{\"id\":\"o-2\"}");
    first.close();

    WebhookFeed reopened = new WebhookFeed(folder());
    FeedAppend repeat = reopened.append("demo", "o-1", "{\"id\":\"o-1\",\"other\":true}");

    assertFalse(repeat.added());
    assertEquals("{\"id\":\"o-1\"}", repeat.entry(), "a repeat returns the entry stored first");
    assertTrue(reopened.isKnown("demo"));
    assertEquals(
        List.of("{\"id\":\"o-1\"}", "{\"id\":\"o-2\"}"),
        reopened.read("demo", 0, 10, Duration.ZERO).entries());
  }

  @Test
  void torn_last_line_is_cut_off_at_open_and_appending_goes_on_cleanly() throws IOException {
    WebhookFeed feed = new WebhookFeed(folder());
    feed.append("demo", "o-1", "{\"id\":\"o-1\"}");
    Path file = folder().resolve(WebhookFeed.fileName("demo"));
    long intact = Files.size(file);
    Files.write(
        file, "{\"id\":\"o-2\",\"te".getBytes(UTF_8), java.nio.file.StandardOpenOption.APPEND);

    WebhookFeed reopened = new WebhookFeed(folder());
    FeedPage before = reopened.read("demo", 0, 10, Duration.ZERO);
    long repairedSize = Files.size(file);
    reopened.append("demo", "o-2", "{\"id\":\"o-2\"}");

    assertEquals(List.of("{\"id\":\"o-1\"}"), before.entries());
    assertEquals(intact, before.cursor());
    assertEquals(intact, repairedSize, "the torn line is cut off when the feed is opened");
    assertEquals("{\"id\":\"o-1\"}\n{\"id\":\"o-2\"}\n", Files.readString(file));
  }

  @Test
  void reading_after_a_cursor_starts_there() throws IOException {
    WebhookFeed feed = new WebhookFeed(folder());
    feed.append("demo", "o-1", "{\"id\":\"o-1\"}");
    long cursor = feed.read("demo", 0, 10, Duration.ZERO).cursor();
    feed.append("demo", "o-2", "{\"id\":\"o-2\",\"text\":\"é\"}");

    FeedPage page = feed.read("demo", cursor, 10, Duration.ZERO);

    assertEquals(List.of("{\"id\":\"o-2\",\"text\":\"é\"}"), page.entries());
    assertEquals(Files.size(folder().resolve(WebhookFeed.fileName("demo"))), page.cursor());
  }

  @Test
  void cursor_inside_a_line_or_past_the_end_is_refused() throws IOException {
    WebhookFeed feed = new WebhookFeed(folder());
    feed.append("demo", "o-1", "{\"id\":\"o-1\"}");

    assertEquals(
        400,
        assertThrows(WebhookProblem.class, () -> feed.read("demo", 4, 10, Duration.ZERO)).status());
    assertEquals(
        400,
        assertThrows(WebhookProblem.class, () -> feed.read("demo", 999, 10, Duration.ZERO))
            .status());
  }

  @Test
  void chat_ids_cannot_escape_the_feed_folder() throws IOException {
    WebhookFeed feed = new WebhookFeed(folder());
    String longChat = "é".repeat(200);
    for (String chat : List.of("../escape", "/etc/passwd", "a\\b", longChat)) {
      feed.markKnown(chat);
    }

    try (Stream<Path> files = Files.list(folder())) {
      List<String> names = files.map(path -> path.getFileName().toString()).sorted().toList();
      assertEquals(4, names.size());
      assertTrue(
          names.stream().allMatch(name -> name.matches("(sha256-)?[0-9a-f]+\\.jsonl")),
          names::toString);
    }
    assertFalse(Files.exists(dataDir.resolve("escape")));
    assertTrue(WebhookFeed.fileName(longChat).startsWith("sha256-"));
    assertTrue(new WebhookFeed(folder()).isKnown("../escape"));
    assertFalse(new WebhookFeed(folder()).isKnown("../other"));
  }

  @Test
  void entry_with_a_line_break_is_refused() {
    WebhookFeed feed = new WebhookFeed(folder());

    assertThrows(IllegalArgumentException.class, () -> feed.append("demo", "o-1", "{\n}"));
  }
}
