package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.ChatInfo;
import dev.switchboard.plugins.telegram.TelegramInbound.Bot;
import dev.switchboard.plugins.telegram.TelegramInbound.Ignored;
import dev.switchboard.plugins.telegram.TelegramInbound.NewMessage;
import dev.switchboard.plugins.telegram.TelegramInbound.Policy;
import dev.switchboard.plugins.telegram.TelegramInbound.Press;
import dev.switchboard.plugins.telegram.TelegramInbound.Result;
import dev.switchboard.plugins.telegram.TelegramSettings.BotMessages;
import dev.switchboard.plugins.telegram.TelegramSettings.EditedMessages;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.Update;

/** Telegram updates, as the Bot API sends them, translated without any I/O. */
class TelegramInboundTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Bot BOT = new Bot(777, "sb_bot");
  private static final Policy DEFAULTS = new Policy(BotMessages.IGNORE, EditedMessages.IGNORE, 1000);
  private static final String ADA = "{\"id\":42,\"is_bot\":false,\"first_name\":\"Ada\",\"last_name\":\"Lovelace\"}";
  private static final String GROUP = "{\"id\":-100555,\"type\":\"supergroup\",\"title\":\"Engines\",\"is_forum\":true}";
  private static final String PRIVATE = "{\"id\":42,\"type\":\"private\",\"first_name\":\"Ada\"}";

  private static Result translate(String json, Policy policy) throws Exception {
    return TelegramInbound.translate(JSON.readValue(json, Update.class), BOT, policy);
  }

  private static InboundEvent event(String json) throws Exception {
    return assertInstanceOf(NewMessage.class, translate(json, DEFAULTS)).event();
  }

  private static String message(String chat, String extra) {
    return "{\"update_id\":9,\"message\":{\"message_id\":31,\"date\":1700000000,\"chat\":" + chat
        + ",\"from\":" + ADA + extra + "}}";
  }

  @Test
  void a_private_message_is_direct_and_carries_text_sender_and_chat_faithfully() throws Exception {
    InboundEvent event = event(message(PRIVATE, ",\"text\":\"ABC-123\""));

    assertEquals("42", event.platformId());
    assertEquals("31", event.messageId());
    assertEquals("ABC-123", event.text());
    assertEquals("42", event.sender().id());
    assertEquals("Ada Lovelace", event.sender().name());
    assertTrue(event.addressing().direct());
    assertEquals(new ChatInfo("Ada", false), event.chat());
    assertEquals(Instant.ofEpochSecond(1700000000), event.timestamp());
    assertNull(event.threadId());
  }

  @Test
  void a_group_message_names_the_group_and_addresses_no_one() throws Exception {
    InboundEvent event = event(message(GROUP, ",\"text\":\"morning all\""));

    assertEquals("-100555", event.platformId());
    assertEquals(new ChatInfo("Engines", true), event.chat());
    assertFalse(event.addressing().any());
  }

  @Test
  void a_mention_entity_of_the_bot_addresses_it() throws Exception {
    InboundEvent event =
        event(message(GROUP, ",\"text\":\"hi @SB_bot!\",\"entities\":[{\"type\":\"mention\",\"offset\":3,\"length\":7}]"));

    assertTrue(event.addressing().mention());
  }

  @Test
  void an_at_name_without_an_entity_addresses_the_bot_but_a_longer_name_does_not() throws Exception {
    assertTrue(event(message(GROUP, ",\"caption\":\"look @sb_bot\",\"document\":{\"file_id\":\"f\",\"file_unique_id\":\"u\",\"file_size\":10}")).addressing().mention());
    assertFalse(event(message(GROUP, ",\"text\":\"ask @sb_bot_two\"")).addressing().mention());
  }

  @Test
  void a_text_mention_and_a_command_for_the_bot_address_it() throws Exception {
    assertTrue(event(message(GROUP, ",\"text\":\"Bot, hi\",\"entities\":[{\"type\":\"text_mention\",\"offset\":0,\"length\":3,\"user\":{\"id\":777,\"is_bot\":true,\"first_name\":\"Bot\"}}]")).addressing().mention());
    assertTrue(event(message(GROUP, ",\"text\":\"/start@sb_bot\",\"entities\":[{\"type\":\"bot_command\",\"offset\":0,\"length\":13}]")).addressing().mention());
  }

  @Test
  void a_reply_to_one_of_the_bots_messages_addresses_it_and_names_the_message() throws Exception {
    InboundEvent event =
        event(message(GROUP, ",\"text\":\"yes\",\"reply_to_message\":{\"message_id\":30,\"date\":1,\"chat\":" + GROUP
            + ",\"from\":{\"id\":777,\"is_bot\":true,\"first_name\":\"Bot\"},\"text\":\"Ready?\"}"));

    assertTrue(event.addressing().replyToBot());
    assertEquals(new InboundEvent.ReplyTo("30", "Ready?", "777"), event.replyTo());
  }

  @Test
  void a_forum_topic_message_carries_the_topic_as_its_thread() throws Exception {
    InboundEvent event =
        event(message(GROUP, ",\"text\":\"in a topic\",\"message_thread_id\":17,\"is_topic_message\":true,"
            + "\"reply_to_message\":{\"message_id\":17,\"date\":1,\"chat\":" + GROUP
            + ",\"forum_topic_created\":{\"name\":\"Ideas\",\"icon_color\":1}}"));

    assertEquals("17", event.threadId());
    assertNull(event.replyTo(), "the topic's opening message is not a reply");
  }

  @Test
  void a_reply_thread_outside_a_forum_is_not_a_thread() throws Exception {
    assertNull(event(message(GROUP, ",\"text\":\"x\",\"message_thread_id\":12")).threadId());
  }

  @Test
  void other_bots_are_ignored_unless_the_setting_takes_them_and_the_bot_itself_always_is() throws Exception {
    String fromBot = "{\"update_id\":1,\"message\":{\"message_id\":5,\"date\":1,\"chat\":" + GROUP
        + ",\"from\":{\"id\":99,\"is_bot\":true,\"first_name\":\"Other\"},\"text\":\"beep\"}}";
    String fromSelf = fromBot.replace("\"id\":99", "\"id\":777");
    Policy accept = new Policy(BotMessages.ACCEPT, EditedMessages.IGNORE, 1000);

    assertInstanceOf(Ignored.class, translate(fromBot, DEFAULTS));
    assertTrue(assertInstanceOf(NewMessage.class, translate(fromBot, accept)).event().sender().bot());
    assertInstanceOf(Ignored.class, translate(fromSelf, accept));
  }

  @Test
  void a_message_sent_as_the_group_comes_from_the_group_not_from_the_placeholder_bot() throws Exception {
    String anonymous = "{\"update_id\":1,\"message\":{\"message_id\":5,\"date\":1,\"chat\":" + GROUP
        + ",\"from\":{\"id\":1087968824,\"is_bot\":true,\"first_name\":\"Group\"},\"sender_chat\":" + GROUP
        + ",\"text\":\"announcement\"}}";

    InboundEvent event = assertInstanceOf(NewMessage.class, translate(anonymous, DEFAULTS)).event();

    assertEquals("-100555", event.sender().id());
    assertFalse(event.sender().bot());
  }

  @Test
  void an_edited_message_follows_the_edited_messages_setting() throws Exception {
    String edited = "{\"update_id\":3,\"edited_message\":{\"message_id\":31,\"date\":1,\"edit_date\":5,\"chat\":" + GROUP
        + ",\"from\":" + ADA + ",\"text\":\"fixed typo\"}}";

    assertInstanceOf(Ignored.class, translate(edited, DEFAULTS));
    InboundEvent event =
        assertInstanceOf(NewMessage.class, translate(edited, new Policy(BotMessages.IGNORE, EditedMessages.RESUBMIT, 1000))).event();
    assertEquals("31:edited:5", event.messageId());
    assertEquals("(edited) fixed typo", event.text());
    assertEquals("31", event.replyTo().messageId());
  }

  @Test
  void the_bot_added_to_a_group_names_the_chat_and_who_added_it() throws Exception {
    String added = "{\"update_id\":12,\"my_chat_member\":{\"chat\":" + GROUP + ",\"from\":" + ADA + ",\"date\":7,"
        + "\"old_chat_member\":{\"status\":\"left\",\"user\":{\"id\":777,\"is_bot\":true,\"first_name\":\"Bot\"}},"
        + "\"new_chat_member\":{\"status\":\"member\",\"user\":{\"id\":777,\"is_bot\":true,\"first_name\":\"Bot\"}}}}";

    InboundEvent event = assertInstanceOf(NewMessage.class, translate(added, DEFAULTS)).event();

    assertEquals("-100555", event.platformId());
    assertEquals(new ChatInfo("Engines", true), event.chat());
    assertEquals("joined:12", event.messageId());
    assertEquals("[Ada Lovelace added @sb_bot to \"Engines\"]", event.text());
    assertInstanceOf(Ignored.class, translate(added.replace("\"status\":\"member\"", "\"status\":\"kicked\""), DEFAULTS));
  }

  @Test
  void a_file_over_the_size_limit_becomes_a_note_for_the_agent() throws Exception {
    NewMessage message =
        assertInstanceOf(NewMessage.class, translate(message(GROUP, ",\"caption\":\"the logs\",\"document\":{\"file_id\":\"big\","
            + "\"file_unique_id\":\"u\",\"file_name\":\"logs.zip\",\"file_size\":5000000}"), DEFAULTS));

    assertEquals(0, message.files().size());
    assertTrue(message.event().text().startsWith("the logs\n[the file logs.zip (4.8 MB) was not downloaded"), message.event().text());
  }

  @Test
  void photos_voice_and_audio_are_files_to_download_with_the_largest_photo_size() throws Exception {
    NewMessage message =
        assertInstanceOf(NewMessage.class, translate(message(PRIVATE, ",\"photo\":[{\"file_id\":\"small\",\"file_unique_id\":\"a\",\"width\":90,\"height\":90},"
            + "{\"file_id\":\"large\",\"file_unique_id\":\"b\",\"width\":900,\"height\":900,\"file_size\":500}],"
            + "\"voice\":{\"file_id\":\"v\",\"file_unique_id\":\"c\",\"duration\":3},"
            + "\"audio\":{\"file_id\":\"a\",\"file_unique_id\":\"d\",\"duration\":200,\"file_name\":\"Song.flac\","
            + "\"mime_type\":\"audio/flac\",\"file_size\":900}"), DEFAULTS));

    assertEquals(3, message.files().size());
    assertEquals("large", message.files().get(0).fileId());
    assertEquals("photo-31.jpg", message.files().get(0).name());
    assertEquals("image/jpeg", message.files().get(0).mimeType());
    assertEquals("voice-31.ogg", message.files().get(1).name());
    assertEquals("audio/ogg", message.files().get(1).mimeType());
    assertEquals(new TelegramInbound.FileRef("a", "Song.flac", "audio/flac", 900L), message.files().get(2));
    assertEquals("", message.event().text());
  }

  @Test
  void an_audio_message_without_a_file_name_gets_one_and_its_caption_is_the_text() throws Exception {
    NewMessage message =
        assertInstanceOf(NewMessage.class, translate(message(GROUP, ",\"caption\":\"listen @sb_bot\","
            + "\"audio\":{\"file_id\":\"a\",\"file_unique_id\":\"d\",\"duration\":200}"), DEFAULTS));

    assertEquals(new TelegramInbound.FileRef("a", "audio-31.mp3", "audio/mpeg", null), message.files().get(0));
    assertEquals("listen @sb_bot", message.event().text());
    assertTrue(message.event().addressing().mention());
  }

  @Test
  void an_audio_file_over_the_size_limit_becomes_a_note_for_the_agent() throws Exception {
    NewMessage message =
        assertInstanceOf(NewMessage.class, translate(message(PRIVATE, ",\"audio\":{\"file_id\":\"a\",\"file_unique_id\":\"d\","
            + "\"duration\":200,\"file_name\":\"talk.mp3\",\"file_size\":3000000}"), DEFAULTS));

    assertEquals(0, message.files().size());
    assertTrue(message.event().text().startsWith("[the file talk.mp3 (2.9 MB) was not downloaded"), message.event().text());
  }

  @Test
  void a_button_press_carries_the_chat_the_data_and_who_pressed() throws Exception {
    String press = "{\"update_id\":4,\"callback_query\":{\"id\":\"cb1\",\"from\":" + ADA + ",\"chat_instance\":\"1\","
        + "\"data\":\"q1:abc:1\",\"message\":{\"message_id\":50,\"date\":1,\"chat\":" + GROUP
        + ",\"text\":\"Ship it?\",\"message_thread_id\":17,\"is_topic_message\":true}}}";

    Press result = assertInstanceOf(Press.class, translate(press, DEFAULTS));

    assertEquals(new Press("cb1", "-100555", "17", 50, "Ship it?", "q1:abc:1", result.sender()), result);
    assertEquals("42", result.sender().id());
  }

  @Test
  void a_sticker_or_a_service_message_is_ignored() throws Exception {
    assertInstanceOf(Ignored.class, translate(message(GROUP, ",\"new_chat_title\":\"Renamed\""), DEFAULTS));
  }
}
