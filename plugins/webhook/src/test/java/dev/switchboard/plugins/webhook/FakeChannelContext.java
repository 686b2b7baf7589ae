package dev.switchboard.plugins.webhook;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.StoreUnavailableException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A gateway stand-in: records what it stores and answers as it is told. */
final class FakeChannelContext implements ChannelContext {
  enum Answer {
    STORE,
    DUPLICATE,
    DROP,
    FAIL
  }

  final List<InboundEvent> stored = new CopyOnWriteArrayList<>();
  final List<IntegratorEvent> events = new CopyOnWriteArrayList<>();
  volatile Answer answer = Answer.STORE;
  private final Path dataDir;

  FakeChannelContext(Path dataDir) {
    this.dataDir = dataDir;
  }

  @Override
  public InboundOutcome submit(InboundEvent event) {
    String id = event.messageId() == null ? "made-up-" + stored.size() : event.messageId();
    return switch (answer) {
      case STORE -> {
        stored.add(event);
        yield new InboundOutcome.Stored(id, List.of("session-a", "session-b"));
      }
      case DUPLICATE -> new InboundOutcome.Duplicate(id);
      case DROP -> new InboundOutcome.Dropped(id, "no wiring takes this chat");
      case FAIL -> throw new StoreUnavailableException("disk full", null);
    };
  }

  @Override
  public InboundOutcome submitEvent(IntegratorEvent event) {
    String id = event.eventId() == null ? "made-up-" + events.size() : event.eventId();
    return switch (answer) {
      case STORE -> {
        events.add(event);
        yield new InboundOutcome.Stored(id, List.of("session-a"));
      }
      case DUPLICATE -> new InboundOutcome.Duplicate(id);
      case DROP -> new InboundOutcome.Dropped(id, "no wiring takes this chat");
      case FAIL -> throw new StoreUnavailableException("disk full", null);
    };
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }
}
