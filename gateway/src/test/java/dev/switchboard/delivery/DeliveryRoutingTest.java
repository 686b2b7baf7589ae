package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where rows go and what they say: routing, edits and reactions, contents that cannot be sent. */
class DeliveryRoutingTest {
  @TempDir Path dataDir;
  private DeliveryHarness h;
  private ScriptedChannel discord;
  private String session;

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
    discord = h.discord;
    session = h.session;
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void a_row_without_routing_goes_to_the_sessions_default_chat_and_thread() {
    h.fx.routing(session, "discord", "chan-9", "thread-4");
    h.start(policy(3));

    h.write(Out.text("o1", 1, "hello"), Out.text("o3", 3, "there").to("discord", "chan-5"));
    h.awaitStatus("delivered", "o1", "o3");

    OutboundMessage routed = discord.sentTo("chan-9").get(0).message();
    assertEquals("o1", routed.id());
    assertEquals("thread-4", routed.threadId());
    OutboundMessage own = discord.sentTo("chan-5").get(0).message();
    assertEquals("o3", own.id());
    assertEquals(null, own.threadId(), "a row's own routing is taken whole, thread included");
  }

  @Test
  void a_row_for_a_channel_type_that_is_not_configured_fails_permanently_with_the_reason() {
    h.start(policy(3));

    h.write(Out.text("o1", 1, "hello").to("irc", "#switchboard"));
    h.awaitStatus("failed", "o1");

    await(WAIT, () -> h.woken.contains(session), "the agent is told");
    assertEquals(1, h.attempts("o1"));
    assertEquals("no channel 'irc' is configured", h.delivery("o1").get("last_error"));
    String content = (String) h.fx.inboundRow(session, "delivery-failed-o1").get("content");
    assertTrue(content.contains("no channel 'irc' is configured"), content);
    assertTrue(discord.sent().isEmpty());
  }

  @Test
  void a_row_for_a_configured_channel_that_is_not_running_waits_for_it() {
    h.channels.configureOnly("slack");
    h.start(new DeliveryPolicy(50, Duration.ofMillis(20), Duration.ofMillis(100), Map.of()));

    h.write(Out.text("o1", 1, "hello").to("slack", "C1"));
    await(WAIT, () -> h.attempts("o1") >= 1, "an attempt finds the channel down");
    assertEquals("pending", h.status("o1"));
    assertTrue(((String) h.delivery("o1").get("last_error")).contains("not running"));

    ScriptedChannel slack = new ScriptedChannel();
    h.channels.run("slack", slack);
    h.awaitStatus("delivered", "o1");
    assertEquals(List.of(1L), slack.seqsTo("C1"));
  }

  @Test
  void edits_and_reactions_resolve_the_message_they_name_to_its_platform_message_id() {
    h.fx.inboundChat(session, "m-100", "hi"); // seq 2
    h.start(policy(3));

    h.write(
        Out.text("o3", 3, "draft"),
        Out.chat("o5", 5, "{\"operation\":\"edit\",\"messageId\":3,\"text\":\"final\"}"),
        Out.chat("o7", 7, "{\"operation\":\"reaction\",\"messageId\":\"o3\",\"emoji\":\"👍\"}"),
        Out.chat("o9", 9, "{\"operation\":\"reaction\",\"messageId\":\"2\",\"emoji\":\"👀\"}"),
        Out.chat("o11", 11, "{\"operation\":\"edit\",\"messageId\":99,\"text\":\"lost\"}"));
    h.awaitStatus("delivered", "o3", "o5", "o7", "o9");
    h.awaitStatus("failed", "o11");

    List<OutboundContent> contents =
        discord.sentTo("chan-1").stream().map(s -> s.message().content()).toList();
    assertEquals(
        List.of(
            new OutboundContent.Text("draft"),
            new OutboundContent.Edit("pm-o3", "final"),
            new OutboundContent.Reaction("pm-o3", "👍"),
            new OutboundContent.Reaction("m-100", "👀")),
        contents);
    String error = (String) h.delivery("o11").get("last_error");
    assertTrue(error.contains("99") && error.contains("never delivered"), error);
  }

  @Test
  void a_reaction_naming_a_number_too_large_for_a_seq_fails_instead_of_blocking_its_chat() {
    h.start(policy(3));

    h.write(
        Out.chat(
            "o1",
            1,
            "{\"operation\":\"reaction\",\"messageId\":\"123456789012345678901234567890\",\"emoji\":\"x\"}"),
        Out.text("o3", 3, "after"));
    h.awaitStatus("failed", "o1");
    h.awaitStatus("delivered", "o3");

    assertEquals(List.of(3L), discord.seqsTo("chan-1"));
  }

  @Test
  void malformed_content_fails_permanently_and_does_not_block_its_chat() {
    h.start(policy(3));

    h.write(Out.chat("o1", 1, "{\"text\": \"unterminated"), Out.text("o3", 3, "after"));
    h.awaitStatus("failed", "o1");
    h.awaitStatus("delivered", "o3");

    assertEquals(List.of(3L), discord.seqsTo("chan-1"));
    assertEquals("content is not JSON", h.delivery("o1").get("last_error"));
    assertEquals(1, h.attempts("o1"));
  }

  @Test
  void a_system_request_is_recorded_without_going_through_a_channel() {
    h.start(policy(3));

    h.write(
        Out.chat(
                "o1", 1,
                "{\"action\":\"schedule_task\",\"taskId\":\"t-1\",\"prompt\":\"p\","
                    + "\"processAfter\":\"2030-01-01 00:00:00\"}")
            .kind("system"),
        Out.text("o3", 3, "after"));
    h.awaitStatus("delivered", "o1", "o3");

    assertEquals(List.of(3L), discord.seqsTo("chan-1"));
    assertEquals("delivered", h.fx.delivered(session, "o1").orElseThrow().get("status"));
  }

  @Test
  void sends_the_outbox_files_a_row_names_and_removes_them_once_sent() throws Exception {
    Path outbox = h.fx.dir(session).resolve("outbox").resolve("o1");
    Files.createDirectories(outbox);
    Files.writeString(outbox.resolve("report.txt"), "numbers");
    h.start(policy(3));

    h.write(Out.chat("o1", 1, "{\"text\":\"see attached\",\"files\":[\"report.txt\"]}"));
    h.awaitStatus("delivered", "o1");

    OutboundContent.Text text = (OutboundContent.Text) discord.sent().get(0).message().content();
    assertEquals("see attached", text.text());
    assertEquals("report.txt", text.files().get(0).name());
    assertEquals(7, text.files().get(0).size());
    assertTrue(Files.notExists(outbox), "the outbox folder of a finished row is removed");
  }

  @Test
  void an_attempt_that_throws_is_counted_and_backed_off_until_the_row_fails() throws Exception {
    h.write(Out.text("o1", 1, "hello"));
    // The session's inbound.db is unreadable (corrupt, or replaced by something else).
    Files.writeString(h.fx.dir(session).resolve("inbound.db"), "x".repeat(4096));
    h.start(policy(3));

    h.awaitStatus("failed", "o1");

    assertEquals(3, h.attempts("o1"));
    assertTrue(discord.sent().isEmpty());
  }
}
