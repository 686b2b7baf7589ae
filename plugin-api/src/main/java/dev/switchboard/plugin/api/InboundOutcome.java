package dev.switchboard.plugin.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What became of a submitted {@link InboundEvent}. Every outcome is durable. */
public sealed interface InboundOutcome {

  /** The id the message is stored under (the platform's, or one the gateway made up). */
  String messageId();

  /** Stored for the agents of these sessions. */
  record Stored(String messageId, List<String> sessionIds) implements InboundOutcome {
    public Stored {
      requireNonNull(messageId, "messageId is null");
      sessionIds = List.copyOf(sessionIds);
    }
  }

  /** Already stored before (a redelivery); nothing new was written. */
  record Duplicate(String messageId) implements InboundOutcome {
    public Duplicate {
      requireNonNull(messageId, "messageId is null");
    }
  }

  /** No wiring took it; recorded as dropped with this reason. */
  record Dropped(String messageId, String reason) implements InboundOutcome {
    public Dropped {
      requireNonNull(messageId, "messageId is null");
      requireNonNull(reason, "reason is null");
    }
  }
}
