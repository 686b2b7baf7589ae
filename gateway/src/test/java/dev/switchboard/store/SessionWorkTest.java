package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor asks every second which sessions have work. A gateway at rest holds many sessions
 * and none with work, so the answer must come from indexes, not from a pass over every session.
 */
class SessionWorkTest {
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00.500Z");

  @TempDir Path dataDir;
  private SessionFixture fx;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private String session(String chat) {
    return fx.session("ag-1", fx.messagingGroup("webhook", chat));
  }

  @Test
  void sessions_with_a_pending_flag_or_a_wake_time_that_has_come_have_work_and_no_others() {
    String pending = session("pending");
    String due = session("due");
    String dueThisMillisecond = session("due-now");
    String later = session("later");
    String idle = session("idle");
    fx.central()
        .write(
            c -> {
              SessionWork.markPending(c, pending);
              SessionWork.scheduleWake(c, due, Times.format(NOW.minusSeconds(60)));
              SessionWork.scheduleWake(c, dueThisMillisecond, Times.format(NOW));
              SessionWork.scheduleWake(c, later, Times.format(NOW.plusMillis(1)));
              SessionWork.setOutboundSeq(c, idle, 7);
              return null;
            });

    List<String> withWork = fx.central().read(c -> SessionWork.withWork(c, Times.format(NOW)));

    assertEquals(Set.of(pending, due, dueThisMillisecond), Set.copyOf(withWork));
    assertEquals(3, withWork.size(), "each session once: " + withWork);
  }

  @Test
  void a_session_both_pending_and_due_is_listed_once() {
    String both = session("both");
    fx.central()
        .write(
            c -> {
              SessionWork.markPending(c, both);
              SessionWork.scheduleWake(c, both, Times.format(NOW.minusSeconds(1)));
              return null;
            });

    assertEquals(List.of(both), fx.central().read(c -> SessionWork.withWork(c, Times.format(NOW))));
  }

  @Test
  void finding_sessions_with_work_searches_indexes_and_never_reads_every_session() {
    List<String> plan =
        fx.central()
            .read(
                c ->
                    Jdbc.query(
                        c,
                        "EXPLAIN QUERY PLAN " + SessionWork.WITH_WORK,
                        r -> r.getString("detail"),
                        Times.format(NOW)));

    List<String> reads = plan.stream().filter(line -> line.contains("session_work")).toList();
    assertEquals(2, reads.size(), "one read of session_work per half: " + plan);
    for (String read : reads) {
      assertTrue(read.startsWith("SEARCH session_work USING INDEX"), "not an index search: " + plan);
      assertFalse(read.contains("SCAN"), "a pass over every session: " + plan);
    }
  }
}
