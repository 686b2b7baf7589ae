package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TypingIndicatorsTest {
  /** Records typing hints; sends nothing. */
  private static class Recording implements Channel {
    final List<String> hints = new CopyOnWriteArrayList<>();

    @Override
    public void start() {}

    @Override
    public DeliveryResult deliver(OutboundMessage message) {
      return new DeliveryResult.Delivered(null);
    }

    @Override
    public void typing(String platformId, String threadId) {
      hints.add(platformId + "/" + threadId);
    }

    @Override
    public void close() {}
  }

  @Test
  void hints_at_once_and_repeats_while_the_agent_works_then_stops() throws Exception {
    Recording channel = new Recording();
    AtomicBoolean busy = new AtomicBoolean(true);
    try (TypingIndicators typing =
        new TypingIndicators(type -> Optional.of(channel), session -> busy.get(), Duration.ofMillis(50))) {
      typing.started("telegram", "chat-1", "topic-2", List.of("sess-1"));
      await(() -> channel.hints.size() >= 3, "the first hint and repeats arrive");
      assertEquals("chat-1/topic-2", channel.hints.get(0));
      assertEquals(1, typing.tracked());
      busy.set(false);
      await(() -> typing.tracked() == 0, "the chat is dropped once its session has no work");
    }
  }

  @Test
  void a_channel_that_throws_on_typing_does_not_stop_hints_to_other_chats() throws Exception {
    Recording good = new Recording();
    Channel broken = new Recording() {
      @Override
      public void typing(String platformId, String threadId) {
        throw new IllegalStateException("no typing here");
      }
    };
    try (TypingIndicators typing =
        new TypingIndicators(type -> Optional.of(type.equals("bad") ? broken : good), s -> true, Duration.ofMillis(20))) {
      typing.started("bad", "c1", null, List.of("s1"));
      typing.started("good", "c2", null, List.of("s2"));
      await(() -> good.hints.size() >= 3, "hints keep going to the other chat");
      assertEquals(2, typing.tracked());
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(10);
    }
  }
}
