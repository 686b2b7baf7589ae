package dev.switchboard.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.scheduling.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the agent's final acks reach {@code messages_in.status}. */
class AckSyncTest {
  @TempDir Path dataDir;
  private SessionFixture fx;
  private AckSync acks;
  private String session;
  private Path dir;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
    session = fx.session("ag-1", fx.messagingGroup("discord", "chan-1"));
    dir = fx.dir(session);
    acks = new AckSync(fx.central(), fx.files(), ManualClock.at("2026-03-10T07:00:00Z"), ZoneId.of("UTC"));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private Object status(String id) {
    return fx.inboundRow(session, id).get("status");
  }

  @Test
  void a_chat_rows_status_rides_the_next_write_of_inbound_db_and_the_session_counts_as_idle_at_once() {
    fx.inboundChat(session, "m-1", "hi");
    SessionFixture.ack(dir.resolve("outbound.db"), "m-1", "completed");

    AckSync.Left left = acks.sync(session, dir);

    assertTrue(left.idle(), "idle by the acks, whatever the copy says");
    assertEquals(1, left.changed());
    assertEquals("pending", status("m-1"), "no synced commit of its own");

    fx.inboundChat(session, "m-2", "again");

    assertEquals("completed", status("m-1"), "carried by the next message's write");
    assertEquals("pending", status("m-2"));
  }

  @Test
  void a_copy_nothing_carried_is_written_by_the_timed_flush() {
    fx.inboundChat(session, "m-1", "hi");
    SessionFixture.ack(dir.resolve("outbound.db"), "m-1", "failed");
    acks.sync(session, dir);

    fx.files().flushDeferred(Duration.ZERO);

    assertEquals("failed", status("m-1"));
  }

  @Test
  void once_an_agent_has_stopped_its_statuses_are_written_at_once() {
    fx.inboundChat(session, "m-1", "hi");
    SessionFixture.ack(dir.resolve("outbound.db"), "m-1", "completed");

    acks.sync(session, dir, true);

    assertEquals("completed", status("m-1"));
  }
}
