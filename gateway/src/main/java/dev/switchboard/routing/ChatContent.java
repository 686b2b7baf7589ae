package dev.switchboard.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.InboundEvent;
import java.util.List;

/** The {@code content} JSON of a {@code chat} inbound row, as the session contract defines it. */
final class ChatContent {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An attachment as stored: its path relative to the session folder, or, when it was refused,
   * no path and the reason.
   */
  record StoredAttachment(InboundEvent.Attachment attachment, String localPath, String refused) {}

  private ChatContent() {}

  static String of(InboundEvent event, List<StoredAttachment> attachments) {
    ObjectNode content = JSON.createObjectNode();
    content.put("text", event.text());
    InboundEvent.Sender sender = event.sender();
    content.put("sender", sender.name() != null ? sender.name() : sender.id());
    content.put("senderId", sender.id());
    if (sender.name() != null) {
      content.put("senderName", sender.name());
    }
    if (!attachments.isEmpty()) {
      ArrayNode list = content.putArray("attachments");
      for (StoredAttachment stored : attachments) {
        ObjectNode item = list.addObject();
        item.put("name", stored.attachment().name());
        item.put("mimeType", stored.attachment().mimeType());
        item.put("size", stored.attachment().size());
        if (stored.localPath() != null) {
          item.put("localPath", stored.localPath());
        } else {
          item.put("error", stored.refused());
        }
      }
    }
    if (event.addressing().mention()) {
      content.put("isMention", true);
    }
    if (sender.bot()) {
      content.put("isFromMe", false);
    }
    if (event.replyTo() != null) {
      ObjectNode replyTo = content.putObject("replyTo");
      replyTo.put("text", event.replyTo().text());
      replyTo.put("sender", event.replyTo().sender());
    }
    return content.toString();
  }

  /** A short form of the message for the dropped-messages record. */
  static String summary(InboundEvent event) {
    ObjectNode content = JSON.createObjectNode();
    content.put("text", event.text());
    content.put("senderId", event.sender().id());
    content.put("threadId", event.threadId());
    return content.toString();
  }
}
