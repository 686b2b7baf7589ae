package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.WebhookResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookMessagesTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @TempDir Path dataDir;
  private Harness harness;

  @BeforeEach
  void start() throws IOException {
    harness = new Harness(dataDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void chat_never_seen_is_unknown() {
    WebhookResponse response = harness.get("nobody", Map.of("wait", "0"));

    assertEquals(404, response.status());
    assertEquals("unknown chat", Harness.json(response).get("error").asText());
  }

  @Test
  void chat_with_an_accepted_message_is_known_even_after_a_restart() throws IOException {
    harness.post("{\"chat\": \"demo\", \"sender\": {\"id\": \"u\"}, \"text\": \"hi\"}");
    JsonNode empty = Harness.json(harness.get("demo", Map.of("wait", "0")));
    harness.close();
    harness = new Harness(dataDir);

    assertEquals(0, empty.get("messages").size());
    assertEquals("0", empty.get("cursor").asText());
    assertEquals(200, harness.get("demo", Map.of("wait", "0")).status());
  }

  @Test
  void wrong_token_is_refused_before_the_chat_is_looked_up() {
    harness.deliver("o-1", "demo", new Text("hi"));

    WebhookResponse response = harness.get("Bearer nope", "demo", Map.of("wait", "0"));

    assertEquals(401, response.status());
    assertFalse(
        new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).contains("hi"));
  }

  @ParameterizedTest
  @CsvSource({
    "after, abc",
    "after, -1",
    "after, 1.5",
    "after, 3",
    "wait, -1",
    "wait, soon",
    "limit, 0",
    "limit, 1001",
    "limit, ten"
  })
  void bad_query_parameter_is_refused_with_400_naming_it(String name, String value) {
    harness.deliver("o-1", "demo", new Text("hello"));

    Map<String, String> query = new HashMap<>(Map.of("wait", "0"));
    query.put(name, value);

    WebhookResponse response = harness.get("demo", query);

    assertEquals(400, response.status());
    assertTrue(Harness.json(response).get("error").asText().startsWith(name + " "));
  }

  @Test
  void every_outbound_kind_appears_in_the_feed_in_delivery_order() {
    harness.channel.deliver(
        new OutboundMessage(
            "o-1",
            3,
            "demo",
            "t-1",
            "m-1",
            new Text(
                "**hi**", true, List.of(new OutboundContent.File("a.txt", Path.of("a.txt"), 12))),
            1));
    harness.deliver("o-2", "demo", new Edit("o-1", "hi!"));
    harness.deliver("o-3", "demo", new Reaction("m-1", "👍"));
    harness.deliver(
        "o-4",
        "demo",
        new Question(
            "q-1", "Pick", "Which?", List.of(new Option("Yes", "y"), new Option("No", "n"))));

    JsonNode messages = Harness.json(harness.get("demo", Map.of("wait", "0"))).get("messages");

    assertEquals(4, messages.size());
    JsonNode text = messages.get(0);
    assertEquals("o-1", text.get("id").asText());
    assertEquals(3, text.get("seq").asLong());
    assertEquals("demo", text.get("chat").asText());
    assertEquals("t-1", text.get("thread").asText());
    assertEquals("text", text.get("kind").asText());
    assertEquals("**hi**", text.get("text").asText());
    assertTrue(text.get("markdown").asBoolean());
    assertEquals("m-1", text.get("replyTo").asText());
    assertEquals("a.txt", text.get("files").get(0).get("name").asText());
    assertEquals(12, text.get("files").get(0).get("size").asLong());
    assertEquals(Harness.NOW.toString(), text.get("deliveredAt").asText());
    assertEquals("edit", messages.get(1).get("kind").asText());
    assertEquals("o-1", messages.get(1).get("target").asText());
    assertEquals("hi!", messages.get(1).get("text").asText());
    assertEquals("reaction", messages.get(2).get("kind").asText());
    assertEquals("👍", messages.get(2).get("emoji").asText());
    JsonNode question = messages.get(3).get("question");
    assertEquals("question", messages.get(3).get("kind").asText());
    assertEquals("q-1", question.get("questionId").asText());
    assertEquals("Which?", question.get("question").asText());
    assertEquals("y", question.get("options").get(0).get("value").asText());
  }

  @Test
  void delivery_returns_the_outbound_id_and_a_repeat_appends_once() {
    DeliveryResult first = harness.deliver("o-1", "demo", new Text("once"));
    DeliveryResult repeat = harness.deliver("o-1", "demo", new Text("once"));

    assertEquals(new DeliveryResult.Delivered("o-1"), first);
    assertEquals(new DeliveryResult.Delivered("o-1"), repeat);
    assertEquals(1, Harness.json(harness.get("demo", Map.of("wait", "0"))).get("messages").size());
  }

  @Test
  void cursor_pages_through_the_feed_and_an_empty_page_keeps_it() {
    for (int i = 1; i <= 5; i++) {
      harness.deliver("o-" + i, "demo", new Text("reply " + i));
    }
    StringBuilder seen = new StringBuilder();
    String cursor = null;
    int[] pageSizes = {2, 2, 1, 0};
    for (int expected : pageSizes) {
      Map<String, String> query =
          cursor == null
              ? Map.of("limit", "2", "wait", "0")
              : Map.of("limit", "2", "wait", "0", "after", cursor);
      JsonNode page = Harness.json(harness.get("demo", query));
      assertEquals(expected, page.get("messages").size());
      page.get("messages").forEach(m -> seen.append(m.get("id").asText()).append(' '));
      if (expected == 0) {
        assertEquals(cursor, page.get("cursor").asText());
      }
      cursor = page.get("cursor").asText();
    }
    assertEquals("o-1 o-2 o-3 o-4 o-5 ", seen.toString());
  }

  @Test
  void long_poll_returns_as_soon_as_a_delivery_lands() throws InterruptedException {
    harness.deliver("o-1", "demo", new Text("old"));
    String cursor = Harness.json(harness.get("demo", Map.of("wait", "0"))).get("cursor").asText();
    AtomicReference<WebhookResponse> answer = new AtomicReference<>();
    Thread poller =
        Thread.ofPlatform()
            .start(() -> answer.set(harness.get("demo", Map.of("after", cursor, "wait", "30"))));
    awaitWaiting(poller);

    harness.deliver("o-2", "demo", new Text("new"));
    poller.join(DEADLINE);

    assertFalse(poller.isAlive(), "the long poll should have returned within " + DEADLINE);
    JsonNode messages = Harness.json(answer.get()).get("messages");
    assertEquals(1, messages.size());
    assertEquals("new", messages.get(0).get("text").asText());
  }

  @Test
  void close_wakes_a_long_poll_which_returns_what_it_has() throws InterruptedException {
    harness.deliver("o-1", "demo", new Text("old"));
    String cursor = Harness.json(harness.get("demo", Map.of("wait", "0"))).get("cursor").asText();
    AtomicReference<WebhookResponse> answer = new AtomicReference<>();
    Thread poller =
        Thread.ofPlatform()
            .start(() -> answer.set(harness.get("demo", Map.of("after", cursor, "wait", "30"))));
    awaitWaiting(poller);

    harness.close();
    poller.join(DEADLINE);

    assertFalse(poller.isAlive(), "close should end the long poll");
    assertEquals(200, answer.get().status());
    assertEquals(cursor, Harness.json(answer.get()).get("cursor").asText());
  }

  @Test
  void delivery_after_close_is_a_transient_failure() {
    harness.close();

    assertInstanceOf(
        DeliveryResult.Transient.class, harness.deliver("o-1", "demo", new Text("late")));
  }

  /** Spins (without sleeping) until the thread is parked in a timed wait, i.e. the long poll. */
  private static void awaitWaiting(Thread thread) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (thread.getState() != Thread.State.TIMED_WAITING) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the long poll never started waiting: " + thread.getState());
      }
      Thread.onSpinWait();
    }
  }
}
