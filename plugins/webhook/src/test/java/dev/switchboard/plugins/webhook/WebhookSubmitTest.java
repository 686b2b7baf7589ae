package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.WebhookResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSubmitTest {
  private static final String HELLO =
      """
      {"chat": "demo", "thread": null, "id": "m-1",
       "sender": {"id": "u1", "name": "Ada"}, "text": "hello"}
      """;

  @TempDir Path dataDir;
  private Harness harness;

  @BeforeEach
  void start() throws IOException {
    harness = new Harness(dataDir, Map.of("maxTextLength", "10"));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void accepted_message_is_submitted_and_answered_202_with_its_outcome() {
    WebhookResponse response = harness.post(HELLO);

    assertEquals(202, response.status());
    JsonNode body = Harness.json(response);
    assertEquals("m-1", body.get("id").asText());
    assertEquals("stored", body.get("status").asText());
    assertEquals(2, body.get("sessions").asInt());
    assertFalse(body.has("reason"));
    InboundEvent event = harness.context.stored.getFirst();
    assertEquals("demo", event.platformId());
    assertNull(event.threadId());
    assertEquals("m-1", event.messageId());
    assertEquals("u1", event.sender().id());
    assertEquals("Ada", event.sender().name());
    assertEquals("hello", event.text());
    assertEquals(Harness.NOW, event.timestamp());
    assertFalse(event.addressing().any());
    assertNull(event.chat());
    assertNull(event.replyTo());
  }

  @Test
  void optional_fields_map_to_addressing_chat_info_time_and_reply() {
    harness.post(
        """
        {"chat": "room", "thread": "t-9", "sender": {"id": "u2"}, "text": "hi",
         "mention": true, "direct": false, "chatName": "Room", "group": true,
         "timestamp": "2024-01-02T03:04:05+01:00",
         "replyTo": {"id": "m-0", "text": "earlier", "sender": "bot"}, "unknown": [1, 2]}
        """);

    InboundEvent event = harness.context.stored.getFirst();
    assertEquals("t-9", event.threadId());
    assertNull(event.messageId(), "without an id the gateway makes one up");
    assertNull(event.sender().name());
    assertTrue(event.addressing().mention());
    assertFalse(event.addressing().direct());
    assertEquals(new InboundEvent.ChatInfo("Room", true), event.chat());
    assertEquals(Instant.parse("2024-01-02T02:04:05Z"), event.timestamp());
    assertEquals(new InboundEvent.ReplyTo("m-0", "earlier", "bot"), event.replyTo());
  }

  @Test
  void duplicate_and_dropped_outcomes_are_reported() {
    harness.context.answer = FakeChannelContext.Answer.DUPLICATE;
    JsonNode duplicate = Harness.json(harness.post(HELLO));
    harness.context.answer = FakeChannelContext.Answer.DROP;
    JsonNode dropped = Harness.json(harness.post(HELLO));

    assertEquals("duplicate", duplicate.get("status").asText());
    assertEquals(0, duplicate.get("sessions").asInt());
    assertEquals("dropped", dropped.get("status").asText());
    assertEquals("no wiring takes this chat", dropped.get("reason").asText());
  }

  /** Rows of (body, field the error must name); bodies use ' for " to stay readable. */
  static Stream<Arguments> malformed_bodies() {
    String ok = "'sender': {'id': 'u'}, 'text': 'x'";
    String tooLong = "x".repeat(WebhookInbound.MAX_ID_LENGTH + 1);
    return Stream.of(
            row("not json", "body"),
            row("[1, 2]", "body"),
            row("'text'", "body"),
            row("", "body"),
            row("{'chat': 'a', " + ok + "} trailing", "body"),
            row("{'chat': 'a', 'chat': 'b', " + ok + "}", "body"),
            row("{" + ok + "}", "chat"),
            row("{'chat': 5, " + ok + "}", "chat"),
            row("{'chat': '  ', " + ok + "}", "chat"),
            row("{'chat': '" + tooLong + "', " + ok + "}", "chat"),
            row("{'chat': 'a\\u0000b', " + ok + "}", "chat"),
            row("{'chat': 'a', 'thread': 7, " + ok + "}", "thread"),
            row("{'chat': 'a', 'thread': '" + tooLong + "', " + ok + "}", "thread"),
            row("{'chat': 'a', 'id': '', " + ok + "}", "id"),
            row("{'chat': 'a', 'id': 'm\\n1', " + ok + "}", "id"),
            row("{'chat': 'a', 'text': 'x'}", "sender"),
            row("{'chat': 'a', 'sender': 'u', 'text': 'x'}", "sender"),
            row("{'chat': 'a', 'sender': {'name': 'Ada'}, 'text': 'x'}", "sender.id"),
            row("{'chat': 'a', 'sender': {'id': ' '}, 'text': 'x'}", "sender.id"),
            row("{'chat': 'a', 'sender': {'id': '" + tooLong + "'}, 'text': 'x'}", "sender.id"),
            row("{'chat': 'a', 'sender': {'id': 'u'}}", "text"),
            row("{'chat': 'a', 'sender': {'id': 'u'}, 'text': 3}", "text"),
            row("{'chat': 'a', 'sender': {'id': 'u'}, 'text': 'eleven char'}", "text"),
            row("{'chat': 'a', " + ok + ", 'mention': 'yes'}", "mention"),
            row("{'chat': 'a', " + ok + ", 'timestamp': 'yesterday'}", "timestamp"),
            row("{'chat': 'a', " + ok + ", 'replyTo': 'm-0'}", "replyTo"))
        .map(Arguments::of);
  }

  private static Object[] row(String body, String field) {
    return new Object[] {body.replace('\'', '"'), field};
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("malformed_bodies")
  void malformed_body_is_refused_with_400_naming_the_field_and_nothing_is_stored(
      String body, String field) {
    WebhookResponse response = harness.post(body);

    assertEquals(400, response.status());
    String error = Harness.json(response).get("error").asText();
    assertTrue(error.startsWith(field + " "), () -> "'" + error + "' should name " + field);
    assertTrue(harness.context.stored.isEmpty());
    assertEquals(
        404, harness.get("a", Map.of("wait", "0")).status(), "a refused chat stays unknown");
  }

  @Test
  void a_body_that_is_not_utf_8_is_refused_with_400_even_when_it_is_json_in_another_encoding() {
    byte[] utf16 = HELLO.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] latin1 = HELLO.replace("hello", "h\u00e9llo").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    for (byte[] body : new byte[][] {utf16, latin1}) {
      WebhookResponse response = harness.postBytes("Bearer " + Harness.TOKEN, body);

      assertEquals(400, response.status(), Harness.json(response).toString());
    }
    assertTrue(harness.context.stored.isEmpty());
  }

  @Test
  void text_at_the_limit_counts_characters_not_bytes() {
    String tenCharacters = "é".repeat(5) + "😀".repeat(5); // 15 UTF-16 units, 30 UTF-8 bytes

    WebhookResponse response =
        harness.post(
            "{\"chat\": \"a\", \"sender\": {\"id\": \"u\"}, \"text\": \"" + tenCharacters + "\"}");

    assertEquals(202, response.status());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {"Bearer wrong-token", "Basic " + Harness.TOKEN, Harness.TOKEN, "Bearer", ""})
  void missing_or_wrong_token_is_refused_with_401_before_the_body_is_read(String authorization) {
    WebhookResponse response = harness.post(authorization, "not even json");

    assertEquals(401, response.status());
    assertEquals("missing or wrong bearer token", Harness.json(response).get("error").asText());
    assertEquals("Bearer", response.headers().get("WWW-Authenticate"));
    assertTrue(harness.context.stored.isEmpty());
  }

  @Test
  void bearer_scheme_is_matched_without_regard_to_case() {
    assertEquals(202, harness.post("bearer " + Harness.TOKEN, HELLO).status());
  }

  @Test
  void unavailable_store_answers_503_with_retry_after() {
    harness.context.answer = FakeChannelContext.Answer.FAIL;

    WebhookResponse response = harness.post(HELLO);

    assertEquals(503, response.status());
    assertEquals("storage unavailable, retry later", Harness.json(response).get("error").asText());
    assertEquals("5", response.headers().get("Retry-After"));
    assertEquals(
        404, harness.get("demo", Map.of("wait", "0")).status(), "an unstored chat stays unknown");
  }

  @Test
  void closed_channel_answers_503_and_stores_nothing() {
    harness.close();

    assertEquals(503, harness.post(HELLO).status());
    assertEquals(503, harness.get("demo", Map.of()).status());
    assertTrue(harness.context.stored.isEmpty());
  }
}
