package com.example.linechat;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.ReplyTo;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import java.time.Instant;
import java.util.List;

/** Turns the fields of a {@code MSG} line into an {@link InboundEvent}. Pure: no I/O. */
final class LineChatInbound {
  private LineChatInbound() {}

  /**
   * {@code MSG id chat thread senderId senderName flags replyTo text}, where flags holds {@code m}
   * when the message mentions the bot and {@code d} when it is a direct message.
   *
   * @throws IllegalArgumentException when the line is not a well-formed {@code MSG}
   */
  static InboundEvent event(List<String> fields, Instant now) {
    if (fields.size() != 9 || !"MSG".equals(fields.get(0))) {
      throw new IllegalArgumentException("not a MSG line with 9 fields: " + fields);
    }
    String id = required(fields, 1, "id");
    String flags = fields.get(6) == null ? "" : fields.get(6);
    String replyTo = fields.get(7);
    return InboundEvent.builder(
            required(fields, 2, "chat"),
            new Sender(required(fields, 4, "sender id"), fields.get(5)),
            fields.get(8) == null ? "" : fields.get(8))
        .messageId(id)
        .threadId(fields.get(3))
        .timestamp(now)
        .addressing(new Addressing(flags.contains("m"), flags.contains("d"), false))
        .replyTo(replyTo == null ? null : new ReplyTo(replyTo, null, null))
        .build();
  }

  private static String required(List<String> fields, int index, String name) {
    String value = fields.get(index);
    if (value == null) {
      throw new IllegalArgumentException("a MSG line without " + name);
    }
    return value;
  }
}
