package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static dev.switchboard.delivery.DeliveryHarness.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.delivery.SessionFixture.Out;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outbound row with an even seq breaks the session contract (even seqs are the host's): it is
 * not sent, and the agent is told why, while its odd neighbours go out in order.
 */
class EvenSeqRefusalTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private DeliveryHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void an_outbound_row_with_an_even_seq_is_not_sent_and_the_agent_is_told_why() throws Exception {
    h = new DeliveryHarness(dataDir);
    h.fx.inboundChat(h.session, "m-100", "hi"); // seq 2
    h.start(policy(3));

    h.write(Out.text("o3", 3, "before"), Out.text("o4", 4, "even"), Out.text("o5", 5, "after"));
    h.awaitStatus("delivered", "o3", "o5");
    h.awaitStatus("failed", "o4");
    await(WAIT, () -> h.woken.contains(h.session), "the session's agent is woken");

    assertEquals(List.of(3L, 5L), h.discord.seqsTo("chan-1"), "the even row never reached the chat");
    assertEquals("failed", h.fx.delivered(h.session, "o4").orElseThrow().get("status"));
    JsonNode told = JSON.readTree((String) h.fx.inboundRow(h.session, "delivery-failed-o4").get("content"));
    assertEquals("delivery_failed", told.get("type").asText());
    assertEquals("o4", told.get("messageOutId").asText());
    assertTrue(told.get("error").asText().contains("even seq"), told.toString());
  }
}
