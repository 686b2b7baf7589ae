package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link FakeChannelContext} with a script: refuse the first submission of a given message (as a
 * store that fails for a moment does), or hold answers to questions until the test lets them
 * through (as a slow store does).
 */
final class ScriptedContext implements ChannelContext {
  private final FakeChannelContext store;
  private final Set<String> refuseOnce = ConcurrentHashMap.newKeySet();
  private final AtomicReference<CountDownLatch> answersHeld = new AtomicReference<>();

  ScriptedContext(FakeChannelContext store) {
    this.store = requireNonNull(store, "store is null");
  }

  /** The first submission of message {@code messageId} is refused as if the disk were full. */
  void refuseOnce(String messageId) {
    refuseOnce.add(messageId);
  }

  /** Answers wait in {@link #submitAnswer} until {@link #releaseAnswers}. */
  void holdAnswers() {
    answersHeld.set(new CountDownLatch(1));
  }

  void releaseAnswers() {
    CountDownLatch held = answersHeld.getAndSet(null);
    if (held != null) {
      held.countDown();
    }
  }

  @Override
  public InboundOutcome submit(InboundEvent event) {
    if (event.messageId() != null && refuseOnce.remove(event.messageId())) {
      store.failEverything();
      try {
        return store.submit(event); // recorded as submitted, then refused
      } finally {
        store.storeEverything();
      }
    }
    return store.submit(event);
  }

  @Override
  public InboundOutcome submitAnswer(QuestionAnswer answer) {
    CountDownLatch held = answersHeld.get();
    if (held != null) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while the store was held", e);
      }
    }
    return store.submitAnswer(answer);
  }

  @Override
  public Path dataDir() {
    return store.dataDir();
  }
}
