package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.delivery.ScriptedChannel.Sent;
import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ordering, retries, rate limits and restarts of the delivery part, over real files. */
class DeliverySchedulerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void delivers_an_agents_rows_in_seq_order_and_records_the_platform_message_ids() {
    h.fx.inboundChat(session, "m-100", "hi"); // seq 2
    h.start(policy(3));

    h.write(
        Out.text("o3", 3, "one").replyTo("m-100"),
        Out.text("o5", 5, "two"),
        Out.text("o7", 7, "three"));
    h.write(Out.text("o9", 9, "four")); // a later unit of work of the agent
    h.awaitStatus("delivered", "o3", "o5", "o7", "o9");

    assertEquals(List.of(3L, 5L, 7L, 9L), discord.seqsTo("chan-1"));
    OutboundMessage first = discord.sent().get(0).message();
    assertEquals("o3", first.id());
    assertEquals(new OutboundContent.Text("one"), first.content());
    assertEquals("m-100", first.replyToMessageId());
    assertEquals(1, first.attempt());
    for (String id : List.of("o3", "o5", "o7", "o9")) {
      Map<String, Object> delivered = h.fx.delivered(session, id).orElseThrow();
      assertEquals("delivered", delivered.get("status"), id);
      assertEquals("pm-" + id, delivered.get("platform_message_id"), id);
      Map<String, Object> delivery = h.delivery(id);
      assertEquals("pm-" + id, delivery.get("platform_message_id"), id);
      assertEquals(1, delivery.get("attempts"), id);
    }
    // The counter follows the recorded outcome; it may lag it by a moment.
    await(WAIT, () -> h.scheduler.stats().deliveredCount() == 4, "four deliveries are counted");
  }

  @Test
  void a_later_row_waits_while_an_earlier_row_of_its_chat_retries_but_other_chats_go_on() {
    discord.script("chan-1", new DeliveryResult.Transient("connection reset"));
    h.start(policy(5, Duration.ofMillis(300)));

    h.write(
        Out.text("a1", 1, "a1"),
        Out.text("a3", 3, "a3"),
        Out.text("b5", 5, "b5").to("discord", "chan-2"),
        Out.text("b7", 7, "b7").to("discord", "chan-2"),
        Out.text("a9", 9, "a9"));
    h.awaitStatus("delivered", "a1", "a3", "a9", "b5", "b7");

    assertEquals(List.of(1L, 1L, 3L, 9L), discord.seqsTo("chan-1"), "a1 is retried before a3 goes");
    assertEquals(List.of(5L, 7L), discord.seqsTo("chan-2"));
    List<Sent> a = discord.sentTo("chan-1");
    Instant retry = a.get(1).at();
    assertTrue(
        Duration.between(a.get(0).at(), retry).toMillis() >= 270, "a1 waited its backoff");
    assertTrue(
        discord.sentTo("chan-2").get(1).at().isBefore(retry),
        "chan-2's rows went out while chan-1 waited");
    assertEquals(2, h.attempts("a1"));
    assertEquals(1, h.attempts("a3"));
  }

  @Test
  void a_slow_send_to_one_chat_does_not_hold_back_another_chats_retry() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    discord.beforeAnswer("chan-2", m -> awaitQuietly(release));
    discord.script("chan-1", new DeliveryResult.Transient("timeout"));
    h.start(policy(5, Duration.ofMillis(50)));

    try {
      h.write(
          Out.text("b1", 1, "b1").to("discord", "chan-2"),
          Out.text("a3", 3, "a3"),
          Out.text("a5", 5, "a5"));
      await(
          Duration.ofSeconds(3),
          () -> "delivered".equals(h.status("a5")),
          "chan-1's retry and its next row go out while the send to chan-2 hangs");
      assertEquals(List.of(3L, 3L, 5L), discord.seqsTo("chan-1"));
      assertEquals("pending", h.status("b1"));
    } finally {
      release.countDown();
    }
    h.awaitStatus("delivered", "b1");
  }

  @Test
  void retries_a_transient_failure_after_a_growing_backoff_and_counts_the_attempts() {
    discord.script(
        "chan-1", new DeliveryResult.Transient("503"), new DeliveryResult.Transient("503"));
    h.start(policy(5, Duration.ofMillis(40)));

    h.write(Out.text("o1", 1, "hello"));
    h.awaitStatus("delivered", "o1");

    List<Sent> sent = discord.sentTo("chan-1");
    assertEquals(List.of(1, 2, 3), sent.stream().map(s -> s.message().attempt()).toList());
    assertTrue(Duration.between(sent.get(0).at(), sent.get(1).at()).toMillis() >= 36, "~40 ms");
    assertTrue(Duration.between(sent.get(1).at(), sent.get(2).at()).toMillis() >= 72, "~80 ms");
    assertEquals(3, h.attempts("o1"));
    assertEquals("pm-o1", h.delivery("o1").get("platform_message_id"));
    assertEquals(2, h.scheduler.stats().retriedCount());
  }

  @Test
  void gives_up_after_max_attempts_and_marks_the_row_failed() {
    discord.script(
        "chan-1",
        new DeliveryResult.Transient("503"),
        new DeliveryResult.Transient("503"),
        new DeliveryResult.Transient("503"),
        new DeliveryResult.Transient("503"));
    h.start(policy(3));

    h.write(Out.text("o1", 1, "hello"));
    h.awaitStatus("failed", "o1");

    assertEquals(3, discord.sent().size());
    assertEquals(3, h.attempts("o1"));
    String error = (String) h.delivery("o1").get("last_error");
    assertTrue(error.contains("gave up after 3 attempts") && error.contains("503"), error);
    assertEquals("failed", h.fx.delivered(session, "o1").orElseThrow().get("status"));
    await(WAIT, () -> h.woken.contains(session), "the agent is woken to hear of the failure");
  }

  @Test
  void retries_a_rate_limited_delivery_not_before_retry_after() {
    discord.script(
        "chan-1", new DeliveryResult.RateLimited(Duration.ofMillis(500), "429 slow down"));
    h.start(policy(3));

    h.write(Out.text("o1", 1, "hello"));
    await(WAIT, () -> h.attempts("o1") == 1, "the rate-limited attempt is recorded");
    Instant first = discord.sent().get(0).at();
    Instant next = Times.parse((String) h.delivery("o1").get("next_attempt_at"));
    assertFalse(
        next.isBefore(first.plusMillis(500).truncatedTo(ChronoUnit.MILLIS)),
        "next attempt " + next + " is at least 500 ms after " + first);
    assertTrue(next.isBefore(first.plusMillis(500 + 300)), "and not much later: " + next);
    assertEquals("pending", h.status("o1"));
    assertEquals("429 slow down", h.delivery("o1").get("last_error"));

    h.awaitStatus("delivered", "o1");
    Sent second = discord.sent().get(1);
    assertFalse(second.at().isBefore(next), "the channel saw the retry at " + second.at());
    assertEquals(2, second.message().attempt());
    assertEquals(2, h.attempts("o1"));
    assertEquals(1, h.scheduler.stats().rateLimitedCount());
  }

  @Test
  void a_permanent_failure_marks_the_row_failed_and_tells_the_agent_in_an_even_seq_system_row()
      throws Exception {
    h.fx.inboundChat(session, "m-100", "hi"); // seq 2
    discord.script("chan-1", new DeliveryResult.Permanent("unknown channel"));
    h.start(policy(3));

    h.write(Out.text("o3", 3, "hello"));
    h.awaitStatus("failed", "o3");
    await(WAIT, () -> h.woken.contains(session), "the session's agent is woken");

    assertEquals(1, discord.sent().size(), "a permanent failure is not retried");
    assertEquals(1, h.attempts("o3"));
    assertEquals("unknown channel", h.delivery("o3").get("last_error"));
    Map<String, Object> delivered = h.fx.delivered(session, "o3").orElseThrow();
    assertEquals("failed", delivered.get("status"));
    assertNull(delivered.get("platform_message_id"));

    Map<String, Object> system = h.fx.inboundRow(session, "delivery-failed-o3");
    assertEquals("system", system.get("kind"));
    assertEquals("pending", system.get("status"));
    long seq = ((Number) system.get("seq")).longValue();
    assertEquals(0, seq % 2, "the host writes even seqs");
    assertTrue(seq > 2, "above every inbound seq");
    JsonNode content = JSON.readTree((String) system.get("content"));
    assertEquals("delivery_failed", content.get("type").asText());
    assertEquals("o3", content.get("messageOutId").asText());
    assertEquals("unknown channel", content.get("error").asText());
    long pendingFlag =
        ((Number)
                h.fx.centralRows("SELECT inbound_pending FROM session_work WHERE session_id = ?", session)
                    .get(0)
                    .get("inbound_pending"))
            .longValue();
    assertTrue(pendingFlag > 0, "the session is flagged as having inbound work");
  }

  @Test
  void a_new_scheduler_over_the_same_files_goes_on_from_the_persisted_attempts() {
    discord.script("chan-1", new DeliveryResult.Transient("down"));
    DeliveryPolicy policy = policy(5, Duration.ofSeconds(1));
    h.start(policy);
    h.write(Out.text("o1", 1, "hello"));
    await(WAIT, () -> h.attempts("o1") == 1, "the first attempt is recorded");
    String nextAttemptAt = (String) h.delivery("o1").get("next_attempt_at");

    // The host stops and starts again: new scheduler, database and session files objects.
    h.stopScheduler();
    h.fx.reopen();
    ScriptedChannel restarted = new ScriptedChannel();
    h.channels.run("discord", restarted);
    h.start(policy);
    h.awaitStatus("delivered", "o1");

    assertEquals(1, discord.sent().size(), "the old run made one attempt");
    assertEquals(1, restarted.sent().size());
    Sent retry = restarted.sent().get(0);
    assertEquals(2, retry.message().attempt(), "the attempt count survived the restart");
    assertFalse(retry.at().isBefore(Times.parse(nextAttemptAt)), "and so did the backoff");
    assertEquals(2, h.attempts("o1"));
  }

  @Test
  void a_row_already_recorded_in_delivered_is_not_sent_again_after_a_crash() {
    // The previous run sent o1 and failed o3 for good, recorded both in the session's delivered
    // table, and died before updating the central deliveries table.
    h.write(Out.text("o1", 1, "sent"), Out.text("o3", 3, "refused"), Out.text("o5", 5, "new"));
    h.fx.files()
        .writeInbound(
            h.fx.dir(session),
            c -> {
              InboundRows.recordDelivered(c, "o1", "pm-77", "delivered", SessionFixture.now());
              InboundRows.recordDelivered(c, "o3", null, "failed", SessionFixture.now());
              return null;
            });
    assertEquals("pending", h.status("o1"));

    h.start(policy(3));
    h.awaitStatus("delivered", "o5");

    assertEquals(List.of(5L), discord.seqsTo("chan-1"), "only the row never sent goes out");
    assertEquals("delivered", h.status("o1"));
    assertEquals("pm-77", h.delivery("o1").get("platform_message_id"));
    assertEquals("failed", h.status("o3"), "the recorded outcome is copied, not assumed");
  }

  @Test
  void paces_a_chat_by_its_rate_limit_without_holding_up_another_chat_or_counting_attempts() {
    h.start(policy(3, Map.of("discord", new RateLimit(2, Duration.ofMillis(200)))));

    h.write(
        Out.text("a1", 1, "a1"),
        Out.text("a3", 3, "a3"),
        Out.text("a5", 5, "a5"),
        Out.text("a7", 7, "a7"),
        Out.text("a9", 9, "a9"),
        Out.text("b11", 11, "b11").to("discord", "chan-2"),
        Out.text("b13", 13, "b13").to("discord", "chan-2"));
    h.awaitStatus("delivered", "a1", "a3", "a5", "a7", "a9", "b11", "b13");

    List<Sent> a = discord.sentTo("chan-1");
    assertEquals(List.of(1L, 3L, 5L, 7L, 9L), a.stream().map(Sent::seq).toList());
    Instant start = a.get(0).at();
    assertTrue(millisBetween(start, a.get(1).at()) < 150, "a burst of two goes at once");
    assertTrue(millisBetween(start, a.get(2).at()) >= 190, "the third waits for a token");
    assertTrue(millisBetween(start, a.get(3).at()) >= 390, "the fourth for the next one");
    assertTrue(millisBetween(start, a.get(4).at()) >= 590, "and the fifth");
    for (Sent b : discord.sentTo("chan-2")) {
      assertTrue(b.at().isBefore(a.get(2).at()), "chan-2 is not paced by chan-1's limit");
    }
    for (String id : List.of("a1", "a3", "a5", "a7", "a9", "b11", "b13")) {
      assertEquals(1, h.attempts(id), "waiting for the rate limit is not an attempt: " + id);
    }
    assertTrue(discord.sent().stream().allMatch(s -> s.message().attempt() == 1));
  }

  @Test
  void uses_the_channels_own_rate_limit_when_the_policy_names_none() {
    discord.rateLimit(new RateLimit(1, Duration.ofMillis(150)));
    h.start(policy(3));

    h.write(Out.text("o1", 1, "one"), Out.text("o3", 3, "two"));
    h.awaitStatus("delivered", "o1", "o3");

    List<Sent> sent = discord.sentTo("chan-1");
    assertTrue(millisBetween(sent.get(0).at(), sent.get(1).at()) >= 140);
  }

  @Test
  void paces_a_group_chat_by_the_channels_group_limit_and_a_direct_chat_by_its_own() {
    discord.rateLimit(new RateLimit(1, Duration.ofMillis(200))).groupRateLimit(new RateLimit(1, Duration.ofMillis(1500)));
    h.fx.messagingGroup("discord", "group-1");
    h.fx.central().write(c -> dev.switchboard.store.Jdbc.update(c,
        "UPDATE messaging_groups SET is_group = 1 WHERE platform_id = 'group-1'"));
    h.fx.allow(session, "discord", "group-1");
    h.start(policy(3));

    h.write(
        Out.text("g1", 1, "g1").to("discord", "group-1"),
        Out.text("g3", 3, "g3").to("discord", "group-1"),
        Out.text("d5", 5, "d5"),
        Out.text("d7", 7, "d7"),
        Out.text("d9", 9, "d9"));
    h.awaitStatus("delivered", "g1", "g3", "d5", "d7", "d9");

    List<Sent> group = discord.sentTo("group-1");
    List<Sent> direct = discord.sentTo("chan-1");
    // Sends are timed where the channel sees them, a little after the pace allowed them: margins.
    assertTrue(millisBetween(group.get(0).at(), group.get(1).at()) >= 1400, "the group waits for its slower pace");
    assertTrue(millisBetween(direct.get(0).at(), direct.get(2).at()) >= 300, "the direct chat keeps its own pace");
    assertTrue(direct.get(2).at().isBefore(group.get(1).at()), "the direct chat is not paced like the group");
  }

  @Test
  void paces_every_chat_of_a_channel_together_by_its_channel_limit() {
    discord.channelRateLimit(new RateLimit(2, Duration.ofMillis(200)));
    List<Out> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      h.fx.allow(session, "discord", "chat-" + i);
      rows.add(Out.text("o" + (2 * i + 1), 2 * i + 1, "to chat " + i).to("discord", "chat-" + i));
    }
    h.start(policy(3));

    h.write(rows.toArray(Out[]::new));
    h.awaitStatus("delivered", rows.stream().map(Out::id).toArray(String[]::new));

    List<Instant> at = discord.sent().stream().map(Sent::at).sorted().toList();
    assertEquals(6, at.size());
    // A burst of two, then one every 200 ms: the n-th send (from 0) not before (n - 1) * 200 ms,
    // less a margin for the first send being seen later than the pace allowed it.
    for (int n = 2; n < at.size(); n++) {
      assertTrue(millisBetween(at.get(0), at.get(n)) >= (n - 1) * 200L - 60,
          "send " + n + " came " + millisBetween(at.get(0), at.get(n)) + " ms after the first");
    }
    for (Out row : rows) {
      assertEquals(1, h.attempts(row.id()), "waiting for the channel's pace is not an attempt: " + row.id());
    }
  }

  @Test
  void a_row_with_deliver_after_goes_out_at_that_time_whatever_form_the_agent_wrote_it_in() {
    h.start(policy(3));
    Instant at = Instant.now().plusMillis(400);
    String iso = at.toString(); // 2026-11-26T10:00:00.123456Z: agents write ISO-8601 too

    h.write(
        new Out("o1", 1, "chat", "{\"text\":\"later\"}", null, null, null, null, iso),
        new Out("o3", 3, "chat", "{\"text\":\"bad\"}", "discord", "chan-2", null, null, "soon"));
    h.awaitStatus("delivered", "o1", "o3");

    assertEquals(Times.format(at), h.delivery("o1").get("next_attempt_at"));
    assertFalse(discord.sentTo("chan-1").get(0).at().isBefore(at.truncatedTo(ChronoUnit.MILLIS)));
    assertTrue(
        discord.sentTo("chan-2").get(0).at().isBefore(at), "an unreadable deliver_after means now");
  }

  @Test
  void a_row_scheduled_for_later_does_not_hold_back_the_replies_after_it() {
    h.start(policy(3));
    String tomorrow = Times.format(Instant.now().plus(Duration.ofDays(1)));

    h.write(
        new Out("o1", 1, "chat", "{\"text\":\"good morning\"}", null, null, null, null, tomorrow),
        Out.text("o3", 3, "a reply now"));

    h.awaitStatus("delivered", "o3");
    assertEquals("scheduled", h.status("o1"), "waiting for its time, not for a retry");
  }

  private static long millisBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
