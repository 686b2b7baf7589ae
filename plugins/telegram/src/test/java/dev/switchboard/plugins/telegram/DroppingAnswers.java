package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import java.nio.file.Path;
import java.util.List;

/** A gateway stand-in that records every answer to a question as dropped, with one reason. */
final class DroppingAnswers implements ChannelContext {
  private final Path dataDir;
  private final String reason;

  DroppingAnswers(Path dataDir, String reason) {
    this.dataDir = dataDir;
    this.reason = reason;
  }

  @Override
  public InboundOutcome submit(InboundEvent event) {
    return new InboundOutcome.Stored(event.messageId(), List.of("session-1"));
  }

  @Override
  public InboundOutcome submitAnswer(QuestionAnswer answer) {
    return new InboundOutcome.Dropped(answer.answerId(), reason);
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }
}
