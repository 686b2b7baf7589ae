package dev.switchboard.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.plugin.api.InboundEvent.Sender;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuestionAnswerTest {
  private static final Sender ADA = new Sender("u1", "Ada");
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void an_answer_needs_its_chat_question_value_and_sender() {
    assertThrows(
        NullPointerException.class, () -> new QuestionAnswer(null, null, "q", "v", ADA, null, NOW));
    assertThrows(
        NullPointerException.class, () -> new QuestionAnswer("c", null, null, "v", ADA, null, NOW));
    assertThrows(
        NullPointerException.class, () -> new QuestionAnswer("c", null, "q", null, ADA, null, NOW));
    assertThrows(
        NullPointerException.class, () -> new QuestionAnswer("c", null, "q", "v", null, null, NOW));
    assertThrows(
        IllegalArgumentException.class,
        () -> new QuestionAnswer(" ", null, "q", "v", ADA, null, NOW));
  }

  @Test
  void a_context_written_before_answers_existed_refuses_them_clearly() {
    ChannelContext older =
        new ChannelContext() {
          @Override
          public InboundOutcome submit(InboundEvent event) {
            return new InboundOutcome.Duplicate("x");
          }

          @Override
          public Path dataDir() {
            return Path.of(".");
          }
        };

    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> older.submitAnswer(new QuestionAnswer("c", null, "q", "v", ADA, "a-1", NOW)));
    assertEquals("this gateway does not take answers to questions", e.getMessage());
  }
}
