package dev.switchboard.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeChannelContextTest {
  private static final Sender ADA = new Sender("u1", "Ada");

  @TempDir Path dir;

  @Test
  void the_same_chat_and_message_id_is_a_duplicate_and_stored_once() {
    FakeChannelContext context = new FakeChannelContext(dir);

    InboundOutcome first = context.submit(event("chat", "m-1"));
    InboundOutcome again = context.submit(event("chat", "m-1"));
    InboundOutcome otherChat = context.submit(event("other", "m-1"));

    assertEquals(new InboundOutcome.Stored("m-1", List.of(FakeChannelContext.SESSION)), first);
    assertEquals(new InboundOutcome.Duplicate("m-1"), again);
    assertInstanceOf(InboundOutcome.Stored.class, otherChat);
    assertEquals(2, context.stored().size());
    assertEquals(3, context.submitted().size());
  }

  @Test
  void an_event_without_a_message_id_gets_a_new_made_up_one_each_time() {
    FakeChannelContext context = new FakeChannelContext(dir);

    String one = context.submit(event("chat", null)).messageId();
    String two = context.submit(event("chat", null)).messageId();

    assertNotEquals(one, two);
    assertEquals(2, context.stored().size());
  }

  @Test
  void dropping_records_the_reason_and_failing_stores_nothing() {
    FakeChannelContext context = new FakeChannelContext(dir);

    context.dropEverything("no wiring takes this chat");
    InboundOutcome dropped = context.submit(event("chat", "m-1"));
    context.failEverything();

    assertEquals(new InboundOutcome.Dropped("m-1", "no wiring takes this chat"), dropped);
    assertThrows(StoreUnavailableException.class, () -> context.submit(event("chat", "m-2")));
    assertEquals(List.of(), context.stored());
    assertEquals(1, context.dropped().size());
  }

  @Test
  void an_answer_with_a_seen_answer_id_is_a_duplicate() {
    FakeChannelContext context = new FakeChannelContext(dir);
    QuestionAnswer answer =
        new QuestionAnswer("chat", null, "q-1", "yes", ADA, "press-1", Instant.now());

    assertInstanceOf(InboundOutcome.Stored.class, context.submitAnswer(answer));
    assertEquals(new InboundOutcome.Duplicate("press-1"), context.submitAnswer(answer));
    assertEquals(List.of(answer), context.answers());
  }

  @Test
  void waiting_for_an_event_returns_it_once_another_thread_submits_it() {
    FakeChannelContext context = new FakeChannelContext(dir);
    Thread.ofVirtual().start(() -> context.submit(event("chat", "late")));

    InboundEvent event = context.awaitStored("late", Duration.ofSeconds(10));

    assertEquals("late", event.messageId());
  }

  @Test
  void waiting_for_an_event_that_never_comes_fails_naming_what_was_submitted() {
    FakeChannelContext context = new FakeChannelContext(dir);
    context.submit(event("chat", "m-1"));

    AssertionError e =
        assertThrows(
            AssertionError.class, () -> context.awaitStored("m-2", Duration.ofMillis(50)));

    assertTrue(e.getMessage().contains("message id m-2"), e.getMessage());
    assertTrue(e.getMessage().contains("chat/m-1"), e.getMessage());
  }

  @Test
  void a_context_in_a_temporary_folder_has_its_data_folder() throws Exception {
    FakeChannelContext context = FakeChannelContext.inTemporaryFolder();
    try {
      assertTrue(Files.isDirectory(context.dataDir()));
    } finally {
      Files.delete(context.dataDir());
    }
  }

  private static InboundEvent event(String chat, String id) {
    return InboundEvent.builder(chat, ADA, "hi").messageId(id).build();
  }
}
