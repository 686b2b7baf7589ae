package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Outbound messages through the real telegrambots client against the fake Bot API. */
class TelegramOutboundTest {
  @TempDir Path folder;
  private Harness harness;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.polling(folder);
    channel = harness.started();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private DeliveryResult send(OutboundContent content) {
    return harness.deliver(channel, FakeBotApi.GROUP, null, content, null);
  }

  @Test
  void markdown_goes_out_as_markdown_v2_that_telegram_accepts() {
    DeliveryResult result = send(new Text("**Version 1.2** is out! (finally) - see [notes](https://example.com/v1.2)", true, List.of()));

    assertInstanceOf(Delivered.class, result, result.toString());
    FakeBotApi.Call call = harness.api.calls("sendMessage").getFirst();
    assertEquals("MarkdownV2", call.params().path("parse_mode").asText());
    assertEquals("*Version 1\\.2* is out\\! \\(finally\\) \\- see [notes](https://example.com/v1.2)", call.params().path("text").asText());
  }

  @Test
  void markdown_telegram_rejects_is_sent_again_as_plain_text() {
    harness.api.refuseNext(Set.of("sendmessage"), 400, "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 3");

    DeliveryResult result = send(new Text("a **b** c", true, List.of()));

    assertInstanceOf(Delivered.class, result);
    List<FakeBotApi.Call> calls = harness.api.calls("sendMessage");
    assertEquals(2, calls.size());
    assertFalse(calls.get(1).params().has("parse_mode"));
    assertEquals("a **b** c", calls.get(1).params().path("text").asText());
  }

  @Test
  void plain_text_is_sent_without_a_parse_mode() {
    send(new Text("1.5 * 2 = 3!"));

    FakeBotApi.Call call = harness.api.calls("sendMessage").getFirst();
    assertFalse(call.params().has("parse_mode"));
    assertEquals("1.5 * 2 = 3!", call.params().path("text").asText());
  }

  @Test
  void a_long_reply_is_split_and_only_its_first_part_replies_to_the_message_in_the_topic() {
    String text = "A line of text that is long enough to matter.\n".repeat(250);

    DeliveryResult result = harness.deliver(channel, FakeBotApi.GROUP, FakeBotApi.THREAD, new Text(text), "31");

    assertInstanceOf(Delivered.class, result);
    List<FakeBotApi.Call> calls = harness.api.calls("sendMessage");
    assertTrue(calls.size() >= 3, "parts: " + calls.size());
    calls.forEach(c -> assertTrue(c.params().path("text").asText().length() <= 4096));
    calls.forEach(c -> assertEquals(17, c.params().path("message_thread_id").asInt()));
    assertEquals(31, calls.getFirst().params().path("reply_parameters").path("message_id").asInt());
    assertTrue(calls.getFirst().params().path("reply_parameters").path("allow_sending_without_reply").asBoolean());
    calls.subList(1, calls.size()).forEach(c -> assertFalse(c.params().has("reply_parameters")));
  }

  @Test
  void a_retry_after_a_part_failed_sends_only_the_parts_not_yet_sent() {
    String text = "word ".repeat(2000);
    OutboundMessage message = new OutboundMessage("out-x", 3, FakeBotApi.GROUP, null, null, new Text(text), 1);
    harness.api.failNext(Set.of("sendmessage"), 200, "{\"ok\":true,\"result\":{\"message_id\":5,\"date\":1,\"chat\":{\"id\":-1001234567890,\"type\":\"supergroup\"},\"text\":\"x\"}}");
    harness.api.rateLimitNext(Duration.ofSeconds(2));

    DeliveryResult first = harness.deliver(channel, message);
    DeliveryResult retried = harness.deliver(channel, new OutboundMessage("out-x", 3, FakeBotApi.GROUP, null, null, new Text(text), 2));

    assertEquals(Duration.ofSeconds(2), assertInstanceOf(RateLimited.class, first).retryAfter());
    assertEquals("5", assertInstanceOf(Delivered.class, retried).platformMessageId(), "the id of the first part");
    int parts = harness.api.calls("sendMessage").size();
    long textsReceived = harness.api.received().stream().filter(m -> m.kind() == ReceivedMessage.Kind.TEXT).count();
    assertEquals(parts - 2, textsReceived, "every part after the first reached the chat once");
  }

  @ParameterizedTest(name = "{0} {1} is permanent")
  @CsvSource({
    "400, Bad Request: chat not found",
    "403, Forbidden: bot was blocked by the user",
    "400, Bad Request: not enough rights to send text messages to the chat",
    "403, Forbidden: bot was kicked from the supergroup chat",
  })
  void refusals_that_cannot_change_are_permanent(int code, String description) {
    harness.api.refuseNext(FakeBotApi.SENDING, code, description);

    Permanent result = assertInstanceOf(Permanent.class, send(new Text("hi")));

    assertTrue(result.reason().contains(description), result.reason());
  }

  @Test
  void an_html_error_page_from_a_proxy_is_transient() {
    harness.api.failNext(FakeBotApi.SENDING, 502, "<html><body>Bad Gateway</body></html>");

    assertInstanceOf(Transient.class, send(new Text("hi")));
  }

  @Test
  void the_bot_api_unreachable_is_transient_and_the_reason_never_shows_the_token() {
    harness.api.close();

    Transient result = assertInstanceOf(Transient.class, send(new Text("hi")));

    assertFalse(result.reason().contains(FakeBotApi.TOKEN), result.reason());
  }

  @Test
  void a_group_that_became_a_supergroup_is_permanent_and_names_the_new_chat() {
    harness.api.failNext(FakeBotApi.SENDING, 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1009}}");

    Permanent result = assertInstanceOf(Permanent.class, send(new Text("hi")));

    assertTrue(result.reason().contains("-1009"), result.reason());
  }

  @Test
  void an_edit_that_changes_nothing_counts_as_delivered() {
    String id = assertInstanceOf(Delivered.class, send(new Text("same"))).platformMessageId();

    assertInstanceOf(Delivered.class, send(new OutboundContent.Edit(id, "same")));
  }

  @Test
  void a_png_goes_out_as_a_photo() throws Exception {
    Path file = Files.write(folder.resolve("chart.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

    assertInstanceOf(Delivered.class, send(new Text("", false, List.of(new OutboundContent.File("chart.png", file, 4)))));

    assertEquals(1, harness.api.calls("sendPhoto").size());
  }

  @Test
  void a_text_too_long_for_a_caption_goes_first_and_the_file_after_it() throws Exception {
    Path file = Files.write(folder.resolve("r.txt"), "x".getBytes(StandardCharsets.UTF_8));

    send(new Text("long ".repeat(400), false, List.of(new OutboundContent.File("r.txt", file, 1))));

    assertEquals(List.of("sendmessage", "senddocument"),
        harness.api.calls().stream().map(FakeBotApi.Call::method).filter(m -> m.startsWith("send")).toList());
  }

  @Test
  void a_pressed_button_is_stored_answered_and_its_keyboard_replaced_by_the_choice() throws Exception {
    Question question = new Question("q-42", "Deploy", "Ship it?", List.of(new Option("Yes", "yes"), new Option("Not yet", "later")));
    String id = assertInstanceOf(Delivered.class, send(question)).platformMessageId();
    ObjectNode asked = harness.api.message(Integer.parseInt(id));
    String data = asked.path("reply_markup").path("inline_keyboard").path(1).path(0).path("callback_data").asText();
    assertTrue(data.getBytes(StandardCharsets.UTF_8).length <= 64, data);

    harness.api.press(asked, data, FakeBotApi.USER);

    QuestionAnswer answer = harness.context.awaitAnswer("q-42", Harness.TIMEOUT);
    assertEquals("later", answer.value());
    assertEquals(FakeBotApi.USER.id(), answer.sender().id());
    FakeBotApi.Call answered = harness.api.awaitCalls("answerCallbackQuery", 1, Harness.TIMEOUT).getFirst();
    assertEquals("Answer sent: Not yet", answered.params().path("text").asText());
    FakeBotApi.Call edit = harness.api.awaitCalls("editMessageText", 1, Harness.TIMEOUT).getFirst();
    assertTrue(edit.params().path("text").asText().endsWith("✓ Not yet (Ada)"), edit.toString());
    assertFalse(edit.params().has("reply_markup"), "the keyboard is gone");
  }

  @Test
  void a_press_the_gateway_drops_is_answered_with_the_reason_and_keeps_the_keyboard() throws Exception {
    harness.close();
    harness = Harness.polling(folder.resolve("again"));
    var dropping = new DroppingAnswers(harness.context.dataDir(), "the question expired");
    channel = harness.channel(java.util.Map.of(), dropping);
    channel.start();
    String id = assertInstanceOf(Delivered.class, send(new Question("q-7", null, "Now?", List.of(new Option("Go", "go"))))).platformMessageId();
    ObjectNode asked = harness.api.message(Integer.parseInt(id));

    harness.api.press(asked, asked.path("reply_markup").path("inline_keyboard").path(0).path(0).path("callback_data").asText(), new Sender("4242", "Ada"));

    FakeBotApi.Call answered = harness.api.awaitCalls("answerCallbackQuery", 1, Harness.TIMEOUT).getFirst();
    assertEquals("the question expired", answered.params().path("text").asText());
    assertTrue(answered.params().path("show_alert").asBoolean());
    assertEquals(0, harness.api.calls("editMessageText").size());
  }

  @Test
  void a_button_of_an_unknown_question_is_answered_as_no_longer_open() throws Exception {
    String id = assertInstanceOf(Delivered.class, send(new Text("plain"))).platformMessageId();

    harness.api.press(harness.api.message(Integer.parseInt(id)), "q1:unknownkey:0", FakeBotApi.USER);

    FakeBotApi.Call answered = harness.api.awaitCalls("answerCallbackQuery", 1, Harness.TIMEOUT).getFirst();
    assertEquals("This question is no longer open.", answered.params().path("text").asText());
    assertEquals(0, harness.context.answers().size());
  }

  @Test
  void typing_shows_the_typing_action_in_the_topic() throws Exception {
    channel.typing(FakeBotApi.GROUP, FakeBotApi.THREAD);

    FakeBotApi.Call call = harness.api.awaitCalls("sendChatAction", 1, Harness.TIMEOUT).getFirst();
    assertEquals("typing", call.params().path("action").asText());
    assertEquals(17, call.params().path("message_thread_id").asInt());
  }

  @Test
  void typing_never_throws_even_when_the_bot_api_is_gone() {
    harness.api.close();

    channel.typing(FakeBotApi.GROUP, "not-a-number");
    channel.typing(FakeBotApi.GROUP, null);
  }
}
