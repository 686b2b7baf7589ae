package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outbound rows that repeat or wait: they go out on time and never hold back their chat. */
class ScheduledOutboundTest {
  @TempDir Path dataDir;
  private DeliveryHarness h;
  private String session;

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
    session = h.session;
    h.start(policy(3));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** An agent's row with a recurrence, to the session's default chat. */
  private void writeRecurring(String id, long seq, String text, String recurrence) throws Exception {
    try (Connection c = SessionFixture.agentConnection(h.fx.dir(session).resolve("outbound.db"));
        PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO messages_out (id, seq, timestamp, recurrence, kind, content)"
                    + " VALUES (?, ?, datetime('now'), ?, 'chat', ?)")) {
      p.setString(1, id);
      p.setLong(2, seq);
      p.setString(3, recurrence);
      p.setString(4, "{\"text\":\"" + text + "\"}");
      p.executeUpdate();
    }
    h.ingest.ingest(session);
  }

  @Test
  void a_recurring_row_is_sent_then_waits_as_scheduled_for_its_next_slot_without_blocking_its_chat()
      throws Exception {
    Instant before = Instant.now();
    writeRecurring("o1", 1, "stretch your legs", "*/5 * * * *");

    await(WAIT, () -> h.discord.sentTo("chan-1").size() == 1, "the first occurrence goes out");
    await(WAIT, () -> h.fx.delivered(session, "o1").isPresent(), "the delivery is recorded");
    await(
        WAIT,
        () -> Times.parse((String) h.delivery("o1").get("next_attempt_at")).isAfter(Instant.now()),
        "it then waits for its next occurrence");
    assertEquals("scheduled", h.status("o1"));
    assertEquals("delivered", h.fx.delivered(session, "o1").orElseThrow().get("status"),
        "the agent can see it was delivered");
    assertEquals("pm-o1", h.fx.delivered(session, "o1").orElseThrow().get("platform_message_id"));
    Instant next = Times.parse((String) h.delivery("o1").get("next_attempt_at"));
    ZonedDateTime slot = next.atZone(ZoneOffset.UTC);
    assertEquals(0, slot.getMinute() % 5, "on a five-minute slot: " + next);
    assertEquals(0, slot.getSecond());
    assertTrue(next.isAfter(before) && !next.isAfter(Instant.now().plus(Duration.ofMinutes(5))),
        "the next slot, not a later one: " + next);
    assertEquals(0, h.attempts("o1"), "a new occurrence starts with no attempts");

    h.write(Out.text("o3", 3, "a reply meanwhile"));
    h.awaitStatus("delivered", "o3");
    assertEquals("scheduled", h.status("o1"));
    if (Instant.now().isBefore(next)) {
      assertEquals(1, h.discord.sentTo("chan-1").stream().filter(s -> s.message().id().equals("o1")).count(),
          "sent once so far");
    }
  }

  @Test
  void a_row_due_tomorrow_waits_as_scheduled_and_later_rows_of_its_chat_go_out_now() {
    SessionFixture.Out later =
        new Out("o1", 1, "chat", "{\"text\":\"tomorrow\"}", null, null, null, null,
            Times.format(Instant.now().plus(Duration.ofDays(1))));
    h.write(later, Out.text("o3", 3, "now"), Out.text("o5", 5, "and now"));

    h.awaitStatus("delivered", "o3", "o5");
    assertEquals("scheduled", h.status("o1"));
    assertEquals(java.util.List.of(3L, 5L), h.discord.seqsTo("chan-1"));
  }
}
