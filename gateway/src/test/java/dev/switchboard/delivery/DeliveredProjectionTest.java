package dev.switchboard.delivery;

import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.store.Jdbc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outcomes recorded centrally reach the session's {@code delivered} table, also across a crash. */
class DeliveredProjectionTest {
  @TempDir Path dataDir;
  private DeliveryHarness h;

  @BeforeEach
  void setUp() {
    h = new DeliveryHarness(dataDir);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void replies_of_one_session_are_copied_into_its_delivered_table_and_marked_copied() {
    h.start(policy(3));
    h.write(Out.text("o1", 1, "one"), Out.text("o3", 3, "two"), Out.text("o5", 5, "three"));

    h.awaitStatus("delivered", "o1", "o3", "o5");

    for (String id : List.of("o1", "o3", "o5")) {
      assertEquals("pm-" + id, h.fx.delivered(h.session, id).orElseThrow().get("platform_message_id"));
    }
    Await.await(WAIT, () -> unprojected() == 0, "every outcome is marked copied");
  }

  @Test
  void an_outcome_recorded_but_not_copied_when_the_gateway_stopped_is_copied_at_the_next_start() {
    h.start(policy(3));
    h.write(Out.text("o1", 1, "one"));
    h.awaitStatus("delivered", "o1");
    h.stopScheduler();
    // As a crash between the central record and the copy leaves it.
    h.fx.central().write(c -> {
      Jdbc.update(c, "UPDATE deliveries SET projected = 0 WHERE message_out_id = 'o1'");
      return null;
    });
    h.fx.files().writeInbound(h.fx.dir(h.session), c -> {
      Jdbc.update(c, "DELETE FROM delivered");
      return null;
    });
    assertTrue(h.fx.delivered(h.session, "o1").isEmpty());

    h.start(policy(3));

    Await.await(WAIT, () -> h.fx.delivered(h.session, "o1").isPresent(), "o1 is copied again");
    assertEquals("pm-o1", h.fx.delivered(h.session, "o1").orElseThrow().get("platform_message_id"));
    assertEquals(1, h.discord.seqsTo("chan-1").size(), "and not sent again");
    Await.await(WAIT, () -> unprojected() == 0, "and marked copied");
  }

  private long unprojected() {
    return h.fx.centralRows("SELECT * FROM deliveries WHERE projected = 0").size();
  }
}
