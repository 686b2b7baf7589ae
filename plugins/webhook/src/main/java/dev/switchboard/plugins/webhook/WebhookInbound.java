package dev.switchboard.plugins.webhook;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.ChatInfo;
import dev.switchboard.plugin.api.InboundEvent.ReplyTo;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Turns the JSON body of {@code POST /webhooks/webhook} into an {@link InboundEvent}. Pure: no I/O,
 * no clock of its own. Every refusal is a {@link WebhookProblem} (400) naming the field.
 */
final class WebhookInbound {
  /** The longest chat, thread, message and sender id, and sender name, in characters. */
  static final int MAX_ID_LENGTH = 256;

  // Never reconfigured after this line, so sharing it between threads is safe.
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private WebhookInbound() {}

  static InboundEvent parse(byte[] body, int maxTextLength, Instant now) {
    JsonNode root = object(body);
    String chat = id(root, "chat", "chat", true);
    JsonNode sender = root.get("sender");
    if (sender == null || sender.isNull()) {
      throw WebhookProblem.badRequest("sender is required: an object with an id");
    }
    if (!sender.isObject()) {
      throw WebhookProblem.badRequest("sender must be an object with an id");
    }
    return InboundEvent.builder(
            chat,
            new Sender(
                id(sender, "id", "sender.id", true), id(sender, "name", "sender.name", false)),
            text(root, maxTextLength))
        .threadId(id(root, "thread", "thread", false))
        .messageId(id(root, "id", "id", false))
        .timestamp(timestamp(root, now))
        .addressing(
            new Addressing(flag(root, "mention", false), flag(root, "direct", false), false))
        .chat(chatInfo(root))
        .replyTo(replyTo(root))
        .build();
  }

  /**
   * The body of {@code POST answers}: {@code {"chat", "thread"?, "questionId", "option",
   * "sender": {"id", "name"?}, "id"?}}, where {@code option} is the value of the chosen option.
   */
  static QuestionAnswer parseAnswer(byte[] body, Instant now) {
    JsonNode root = object(body);
    JsonNode sender = root.get("sender");
    if (sender == null || !sender.isObject()) {
      throw WebhookProblem.badRequest("sender is required: an object with an id");
    }
    return new QuestionAnswer(
        id(root, "chat", "chat", true),
        id(root, "thread", "thread", false),
        id(root, "questionId", "questionId", true),
        id(root, "option", "option", true),
        new Sender(id(sender, "id", "sender.id", true), id(sender, "name", "sender.name", false)),
        id(root, "id", "id", false),
        now);
  }

  /**
   * An integrator's event: {@code {"chat", "source", "event", "payload", "id"?, "thread"?,
   * "timestamp"?}}, the payload any JSON value of at most {@code maxPayloadChars} characters as
   * JSON text.
   */
  static IntegratorEvent parseEvent(byte[] body, int maxPayloadChars, Instant now) {
    JsonNode root = object(body);
    JsonNode payload = root.get("payload");
    if (payload == null) {
      throw WebhookProblem.badRequest("payload is required (any JSON value, null included)");
    }
    String payloadJson = payload.toString();
    if (payloadJson.length() > maxPayloadChars) {
      throw WebhookProblem.badRequest("payload must be at most " + maxPayloadChars + " characters of JSON");
    }
    return new IntegratorEvent(
        id(root, "chat", "chat", true),
        id(root, "thread", "thread", false),
        id(root, "id", "id", false),
        id(root, "source", "source", true),
        id(root, "event", "event", true),
        payloadJson,
        timestamp(root, now));
  }

  private static JsonNode object(byte[] body) {
    JsonNode root;
    try {
      // Decoded strictly first: from bytes, Jackson would also take UTF-16 and UTF-32 bodies,
      // guessed from their zero bytes. JSON between systems is UTF-8 (RFC 8259, section 8.1).
      root = JSON.readTree(utf8(body));
    } catch (JacksonException e) {
      throw WebhookProblem.badRequest("body must be a JSON object; it is not valid JSON");
    } catch (IOException e) {
      throw WebhookProblem.badRequest("body must be a JSON object; it could not be read");
    }
    if (root == null || !root.isObject()) {
      throw WebhookProblem.badRequest("body must be a JSON object");
    }
    return root;
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw WebhookProblem.badRequest("body must be JSON in UTF-8; it is not valid UTF-8");
    }
  }

  /** An id-like string: absent or null is allowed unless required; else non-blank, short, clean. */
  private static String id(JsonNode parent, String field, String name, boolean required) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw WebhookProblem.badRequest(name + " is required");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw WebhookProblem.badRequest(name + " must be a string");
    }
    String value = node.textValue();
    if (value.isBlank()) {
      throw WebhookProblem.badRequest(name + " must not be blank");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw WebhookProblem.badRequest(name + " must be at most " + MAX_ID_LENGTH + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw WebhookProblem.badRequest(name + " must not contain control characters");
    }
    return value;
  }

  private static String text(JsonNode root, int maxTextLength) {
    JsonNode node = root.get("text");
    if (node == null || node.isNull()) {
      throw WebhookProblem.badRequest("text is required (it may be empty)");
    }
    if (!node.isTextual()) {
      throw WebhookProblem.badRequest("text must be a string");
    }
    String text = node.textValue();
    if (text.length() > maxTextLength && text.codePointCount(0, text.length()) > maxTextLength) {
      throw WebhookProblem.badRequest("text must be at most " + maxTextLength + " characters");
    }
    return text;
  }

  private static boolean flag(JsonNode parent, String field, boolean absent) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isBoolean()) {
      throw WebhookProblem.badRequest(field + " must be true or false");
    }
    return node.booleanValue();
  }

  private static Instant timestamp(JsonNode root, Instant now) {
    JsonNode node = root.get("timestamp");
    if (node == null || node.isNull()) {
      return now;
    }
    String fix = "timestamp must be an ISO-8601 time with an offset, e.g. 2024-05-01T12:00:00Z";
    if (!node.isTextual()) {
      throw WebhookProblem.badRequest(fix);
    }
    try {
      return OffsetDateTime.parse(node.textValue().strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw WebhookProblem.badRequest(fix);
    }
  }

  private static ChatInfo chatInfo(JsonNode root) {
    String name = id(root, "chatName", "chatName", false);
    JsonNode group = root.get("group");
    if (name == null && (group == null || group.isNull())) {
      return null;
    }
    return new ChatInfo(name, flag(root, "group", false));
  }

  private static ReplyTo replyTo(JsonNode root) {
    JsonNode node = root.get("replyTo");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw WebhookProblem.badRequest("replyTo must be an object with id, text and sender");
    }
    return new ReplyTo(
        id(node, "id", "replyTo.id", false),
        string(node, "text", "replyTo.text"),
        id(node, "sender", "replyTo.sender", false));
  }

  private static String string(JsonNode parent, String field, String name) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw WebhookProblem.badRequest(name + " must be a string");
    }
    return node.textValue();
  }
}
