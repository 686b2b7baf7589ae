package dev.switchboard.plugins.slack;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.InboundEvent.ChatInfo;
import dev.switchboard.plugin.api.InboundEvent.ReplyTo;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slack event payloads as the gateway's terms. Pure: the names of people and conversations and the
 * downloaded files are looked up by the caller and passed in.
 *
 * <p>Policy for edits and deletes: a {@code message_changed} or {@code message_deleted} event is
 * acknowledged and not stored. The agent keeps working with the text as first sent; a message
 * deleted in Slack stays in the session's history. Other system subtypes (joins, topic changes, …)
 * are ignored the same way.
 */
final class SlackInbound {
  /** Subtypes that are messages someone wrote; every other subtype is a system event. */
  private static final Set<String> WRITTEN =
      Set.of("file_share", "thread_broadcast", "me_message", "bot_message");

  private static final Pattern LINK = Pattern.compile("<((?:https?|mailto):[^|>]+)(?:\\|([^>]*))?>");
  private static final Pattern CHANNEL_REF = Pattern.compile("<#(\\w+)(?:\\|([^>]*))?>");

  /** A message someone wrote, as far as the event tells. */
  record Message(
      String channel,
      String ts,
      String threadTs,
      String user,
      String botName,
      boolean bot,
      String text,
      String channelType,
      boolean appMention,
      String parentUser,
      List<SharedFile> files) {
    Message {
      files = List.copyOf(files);
    }

    /** Channel and ts: what names a Slack message, whichever event carried it. */
    String key() {
      return channel + "/" + ts;
    }
  }

  /** A file shared with a message. */
  record SharedFile(String id, String name, String mimeType, long size, String url) {}

  /** A press of a question's button ({@code block_actions}). */
  record Press(
      String channel,
      String messageTs,
      String threadTs,
      String questionId,
      String value,
      String label,
      String user,
      String userName,
      String actionTs,
      String questionText) {}

  private SlackInbound() {}

  /**
   * Why an {@code event_callback} payload does not have the shape Slack always sends, or empty: an
   * {@code event} object with a string {@code type}, and for messages a string {@code channel} and
   * {@code ts}, and {@code user}, {@code text} and {@code thread_ts} strings where present. Events
   * of other types are not looked into; they are ignored, as Slack adds new ones.
   */
  static Optional<String> malformed(JsonObject payload) {
    JsonObject event = object(payload, "event");
    if (event == null) {
      return Optional.of("an event_callback needs an event object");
    }
    if (!isString(event.get("type"))) {
      return Optional.of("the event needs a type");
    }
    String type = event.get("type").getAsString();
    if (!"message".equals(type) && !"app_mention".equals(type)) {
      return Optional.empty();
    }
    for (String key : List.of("channel", "ts")) {
      if (!isString(event.get(key))) {
        return Optional.of("a " + type + " event needs a string " + key);
      }
    }
    for (String key : List.of("user", "text", "thread_ts", "subtype", "bot_id")) {
      JsonElement value = event.get(key);
      if (value != null && !value.isJsonNull() && !isString(value)) {
        return Optional.of("the " + key + " of a " + type + " event must be a string");
      }
    }
    return Optional.empty();
  }

  private static boolean isString(JsonElement value) {
    return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
  }

  /**
   * The message an event of type {@code message} or {@code app_mention} carries, or empty when the
   * event is to be ignored: the bot's own messages, edits, deletes, system messages, other types.
   */
  static Optional<Message> message(JsonObject event, SlackApi.Identity self) {
    String type = string(event, "type");
    if (!"message".equals(type) && !"app_mention".equals(type)) {
      return Optional.empty();
    }
    String subtype = string(event, "subtype");
    if (subtype != null && !WRITTEN.contains(subtype)) {
      return Optional.empty();
    }
    String channel = string(event, "channel");
    String ts = string(event, "ts");
    String user = string(event, "user");
    String botId = string(event, "bot_id");
    if (channel == null || ts == null || (user == null && botId == null)) {
      return Optional.empty();
    }
    boolean own =
        (user != null && user.equals(self.userId()))
            || (botId != null && botId.equals(self.botId()));
    if (own) {
      return Optional.empty();
    }
    return Optional.of(
        new Message(
            channel,
            ts,
            string(event, "thread_ts"),
            user != null ? user : botId,
            string(event, "username"),
            botId != null,
            nonNull(string(event, "text")),
            string(event, "channel_type"),
            "app_mention".equals(type),
            string(event, "parent_user_id"),
            files(event)));
  }

  /**
   * The event for the gateway.
   *
   * @param senderName the sender's name (users.info), or null
   * @param conversation what conversations.info said, or null when it never answered; the event
   *     then carries no chat info, so that the gateway keeps the name it knows
   * @param attachments the files downloaded for it
   * @param notes lines added to the text, e.g. about a file too big to download
   */
  static InboundEvent event(
      Message m,
      SlackApi.Identity self,
      String senderName,
      SlackApi.Conversation conversation,
      List<Attachment> attachments,
      List<String> notes) {
    boolean direct = direct(m, conversation);
    boolean mention = m.appMention() || mentions(m.text(), self.userId());
    String text = text(m.text(), self.userId());
    if (!notes.isEmpty()) {
      text = (text.isEmpty() ? "" : text + "\n") + String.join("\n", notes);
    }
    boolean inThread = m.threadTs() != null && !m.threadTs().equals(m.ts());
    ReplyTo replyTo = inThread ? new ReplyTo(m.threadTs(), null, m.parentUser()) : null;
    boolean replyToBot = inThread && self.userId() != null && self.userId().equals(m.parentUser());
    String name = senderName != null ? senderName : m.botName();
    InboundEvent.Builder builder =
        InboundEvent.builder(m.channel(), new Sender(m.user(), name, m.bot()), text)
            .messageId(m.ts())
            .threadId(m.threadTs())
            .timestamp(time(m.ts()))
            .addressing(new Addressing(mention, direct, replyToBot))
            .chat(conversation == null ? null : new ChatInfo(conversation.name(), !direct))
            .replyTo(replyTo);
    attachments.forEach(builder::attachment);
    return builder.build();
  }

  /**
   * A press of one of the channel's question buttons in a {@code block_actions} payload, or empty
   * for any other interaction.
   */
  static Optional<Press> press(JsonObject payload) {
    if (!"block_actions".equals(string(payload, "type"))) {
      return Optional.empty();
    }
    JsonArray actions = array(payload, "actions");
    if (actions == null || actions.isEmpty() || !actions.get(0).isJsonObject()) {
      return Optional.empty();
    }
    JsonObject action = actions.get(0).getAsJsonObject();
    Optional<String> questionId = SlackQuestions.questionId(string(action, "block_id"));
    String value = string(action, "value");
    JsonObject channel = object(payload, "channel");
    JsonObject container = object(payload, "container");
    JsonObject message = object(payload, "message");
    JsonObject user = object(payload, "user");
    if (questionId.isEmpty() || value == null || channel == null || user == null) {
      return Optional.empty();
    }
    String messageTs =
        container != null && string(container, "message_ts") != null
            ? string(container, "message_ts")
            : message == null ? null : string(message, "ts");
    JsonObject label = object(action, "text");
    return Optional.of(
        new Press(
            string(channel, "id"),
            messageTs,
            container == null ? null : string(container, "thread_ts"),
            questionId.get(),
            value,
            label == null ? value : nonNull(string(label, "text")),
            string(user, "id"),
            firstOf(string(user, "name"), string(user, "username")),
            string(action, "action_ts"),
            message == null ? null : string(message, "text")));
  }

  /** A message ts ({@code 1700000000.000100}, seconds and microseconds) as an instant. */
  static Instant time(String ts) {
    try {
      BigDecimal seconds = new BigDecimal(ts);
      long whole = seconds.longValue();
      long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole, nanos);
    } catch (NumberFormatException | ArithmeticException e) {
      return Instant.now();
    }
  }

  /** Whether a message's text mentions the bot ({@code <@U123>} or {@code <@U123|name>}). */
  static boolean mentions(String text, String botUserId) {
    return botUserId != null && mentionPattern(botUserId).matcher(text).find();
  }

  /**
   * Slack's markup as readable text: the bot's own mention removed, links as their label and URL,
   * channel references as {@code #name}, Slack's escapes undone. Other people's mentions stay as
   * {@code <@U123>}, which is how Slack names them in text the agent may write back.
   */
  static String text(String raw, String botUserId) {
    String text = raw;
    if (botUserId != null) {
      text = mentionPattern(botUserId).matcher(text).replaceAll("");
    }
    text =
        LINK.matcher(text)
            .replaceAll(
                m ->
                    Matcher.quoteReplacement(
                        m.group(2) == null || m.group(2).equals(m.group(1))
                            ? m.group(1)
                            : m.group(2) + " (" + m.group(1) + ")"));
    text =
        CHANNEL_REF
            .matcher(text)
            .replaceAll(m -> Matcher.quoteReplacement("#" + firstOf(m.group(2), m.group(1))));
    return SlackFormat.unescape(text).replaceAll("[ \\t]{2,}", " ").strip();
  }

  private static boolean direct(Message m, SlackApi.Conversation conversation) {
    if (m.channelType() != null) {
      return m.channelType().equals("im");
    }
    if (conversation != null) {
      return conversation.im();
    }
    return m.channel().startsWith("D");
  }

  private static Pattern mentionPattern(String userId) {
    return Pattern.compile("<@" + Pattern.quote(userId) + "(\\|[^>]*)?>");
  }

  private static List<SharedFile> files(JsonObject event) {
    JsonArray files = array(event, "files");
    if (files == null) {
      return List.of();
    }
    List<SharedFile> shared = new ArrayList<>();
    for (JsonElement element : files) {
      if (!element.isJsonObject()) {
        continue;
      }
      JsonObject file = element.getAsJsonObject();
      String url = firstOf(string(file, "url_private_download"), string(file, "url_private"));
      String id = string(file, "id");
      if (id == null || url == null) {
        continue; // e.g. a file the workspace hides from apps ("file_access": "check_file_info")
      }
      JsonElement size = file.get("size");
      shared.add(
          new SharedFile(
              id,
              firstOf(string(file, "name"), string(file, "title"), id),
              string(file, "mimetype"),
              size != null && size.isJsonPrimitive() ? size.getAsLong() : -1,
              url));
    }
    return shared;
  }

  static String string(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value == null || !value.isJsonPrimitive() ? null : value.getAsString();
  }

  static JsonObject object(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonObject() ? value.getAsJsonObject() : null;
  }

  private static JsonArray array(JsonObject object, String key) {
    JsonElement value = object.get(key);
    return value != null && value.isJsonArray() ? value.getAsJsonArray() : null;
  }

  private static String firstOf(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
