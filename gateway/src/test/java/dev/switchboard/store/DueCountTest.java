package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.delivery.SessionFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The due replies that load shedding counts: every due row, but at most
 * {@link Deliveries#DUE_PER_CONVERSATION} of one conversation, and none that waits for a later
 * attempt or is finished.
 */
class DueCountTest {
  private static final String NOW = "2026-11-26T10:00:00.000Z";
  private static final String EARLIER = "2026-11-26T09:59:00.000Z";
  private static final String LATER = "2026-11-26T10:05:00.000Z";

  @TempDir Path dataDir;
  private SessionFixture fx;
  private String flooding;
  private String quiet;

  @BeforeEach
  void setUp() {
    fx = new SessionFixture(dataDir);
    fx.agentGroup("ag-1", "echo");
    flooding = fx.session("ag-1", fx.messagingGroup("webhook", "flood"));
    quiet = fx.session("ag-1", fx.messagingGroup("webhook", "quiet"));
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private void deliveries(String sessionId, String chat, int count, String status, String nextAttemptAt) {
    fx.central().write(
        c -> {
          for (int i = 0; i < count; i++) {
            Jdbc.update(
                c,
                "INSERT INTO deliveries (session_id, message_out_id, seq, kind, content, channel_type,"
                    + " platform_id, status, next_attempt_at, created_at)"
                    + " VALUES (?, ?, ?, 'chat', '{}', 'webhook', ?, ?, ?, ?)",
                sessionId, chat + "-" + status + "-" + i, 2 * i + 1, chat, status, nextAttemptAt, EARLIER);
          }
          return null;
        });
  }

  private long countDue() {
    return fx.central().read(c -> Deliveries.countDue(c, NOW));
  }

  @Test
  void one_conversations_flood_counts_at_most_its_cap_and_the_others_count_whole() {
    deliveries(flooding, "flood", 1_000, "pending", EARLIER);
    deliveries(quiet, "quiet", 5, "pending", EARLIER);

    assertEquals(Deliveries.DUE_PER_CONVERSATION + 5, countDue());
  }

  @Test
  void rows_waiting_for_a_later_attempt_and_finished_rows_do_not_count() {
    deliveries(quiet, "quiet", 3, "pending", EARLIER);
    deliveries(quiet, "later", 4, "pending", LATER);
    deliveries(quiet, "done", 6, "delivered", EARLIER);

    assertEquals(3, countDue());
  }
}
