package dev.switchboard.delivery;

import static dev.switchboard.delivery.Await.await;
import static dev.switchboard.delivery.DeliveryHarness.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.SessionFixture.Out;
import dev.switchboard.plugin.api.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a channel cannot do, and files over the size limit, fail with a reason the agent is told. */
class ChannelCapabilityDeliveryTest {
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

  private static DeliveryPolicy policy(long maxFileBytes) {
    return new DeliveryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(200), Map.of(), maxFileBytes, ZoneId.of("UTC"));
  }

  private void assertFailedAndTold(String id, String reason) {
    h.awaitStatus("failed", id);
    assertEquals(reason, h.delivery(id).get("last_error"));
    await(WAIT, () -> !h.fx.inboundRow(h.session, "delivery-failed-" + id).isEmpty(), "the agent is told about " + id);
    String told = (String) h.fx.inboundRow(h.session, "delivery-failed-" + id).get("content");
    assertTrue(told.contains(reason), told);
  }

  @Test
  void edits_reactions_and_files_fail_on_a_channel_that_cannot_do_them_and_text_still_goes_out() throws Exception {
    h.discord.claim(Capability.TEXT);
    h.start(policy(1024));
    Path outbox = Files.createDirectories(h.fx.dir(h.session).resolve("outbox").resolve("o7"));
    Files.writeString(outbox.resolve("notes.txt"), "small");

    h.write(Out.text("o1", 1, "hello"));
    h.awaitStatus("delivered", "o1");
    h.write(
        Out.chat("o3", 3, "{\"operation\":\"edit\",\"messageId\":\"1\",\"text\":\"hello again\"}"),
        Out.chat("o5", 5, "{\"operation\":\"reaction\",\"messageId\":\"o1\",\"emoji\":\"👍\"}"),
        Out.chat("o7", 7, "{\"text\":\"see file\",\"files\":[\"notes.txt\"]}"),
        Out.text("o9", 9, "still here"));

    assertFailedAndTold("o3", "channel discord cannot edit messages");
    assertFailedAndTold("o5", "channel discord cannot add reactions");
    assertFailedAndTold("o7", "channel discord cannot send files");
    h.awaitStatus("delivered", "o9");
    assertEquals(java.util.List.of(1L, 9L), h.discord.seqsTo("chan-1"), "only the text reached the channel");
  }

  @Test
  void a_file_over_the_outbound_limit_fails_with_its_size_and_the_limit() throws Exception {
    h.start(policy(10));
    Path outbox = Files.createDirectories(h.fx.dir(h.session).resolve("outbox").resolve("o1"));
    Files.write(outbox.resolve("big.bin"), new byte[100]);
    Files.createDirectories(h.fx.dir(h.session).resolve("outbox").resolve("o3"));
    Files.write(h.fx.dir(h.session).resolve("outbox").resolve("o3").resolve("tiny.bin"), new byte[10]);

    h.write(
        Out.chat("o1", 1, "{\"text\":\"report\",\"files\":[\"big.bin\"]}"),
        Out.chat("o3", 3, "{\"text\":\"small one\",\"files\":[\"tiny.bin\"]}"));

    assertFailedAndTold("o1", "file big.bin is 100 bytes, over the limit of 10 bytes");
    h.awaitStatus("delivered", "o3");
    assertEquals(1, h.discord.sent().size());
    assertEquals("o3", h.discord.sent().get(0).message().id());
    assertFalse(Files.exists(outbox), "a refused row's outbox is removed like a sent one's");
  }
}
