package dev.switchboard.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.Questions;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Times;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Answers to questions: a button press handed over by a channel, or, for a question a channel sent
 * as numbered text, a reply with a number or an option's label. The answer reaches the session that
 * asked as a {@code system} inbound row {@code {"type":"question_response", "questionId",
 * "selectedOption", "userId"}}, the question stops being pending, and the agent is woken. An answer
 * to an unknown, expired or already answered question changes nothing and comes back as dropped,
 * with a reason the channel can show.
 */
final class Answers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final Consumer<String> wake;
  private final Duration expireAfter;

  Answers(CentralDb central, SessionFiles files, Clock clock, Consumer<String> wake, Duration expireAfter) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.wake = wake;
    this.expireAfter = expireAfter;
  }

  /** An option of a question: what the user sees and what the agent gets. */
  private record Option(String label, String value) {}

  InboundOutcome answer(String channelType, QuestionAnswer answer) {
    String answerId = answer.answerId() != null ? answer.answerId() : answer.questionId() + ":" + answer.sender().id();
    String id = "answer-" + answer.questionId();
    Optional<Questions.Pending> pending = central.read(c -> Questions.find(c, answer.questionId()));
    if (pending.isEmpty()) {
      Optional<String> earlier = central.read(c -> Questions.answerId(c, answer.questionId()));
      if (earlier.isPresent() && earlier.get().equals(answerId)) {
        return new InboundOutcome.Duplicate(id);
      }
      return new InboundOutcome.Dropped(
          id, earlier.isPresent() ? "this question was already answered" : "this question is not open (unknown or expired)");
    }
    Questions.Pending q = pending.get();
    if (!channelType.equals(q.channelType()) || !answer.platformId().equals(q.platformId())) {
      return new InboundOutcome.Dropped(id, "this question is not open (unknown or expired)");
    }
    Instant now = clock.instant();
    if (Times.parse(q.createdAt()).plus(expireAfter).isBefore(now)) {
      central.write(c -> {
        Questions.answered(c, q.questionId(), null, Times.format(now));
        return null;
      });
      return new InboundOutcome.Dropped(id, "this question has expired");
    }
    List<Option> options = options(q.options());
    if (!options.isEmpty() && options.stream().noneMatch(o -> o.value().equals(answer.value()))) {
      return new InboundOutcome.Dropped(id, "'" + answer.value() + "' is not one of the options");
    }
    String content =
        JSON.createObjectNode()
            .put("type", "question_response")
            .put("questionId", q.questionId())
            .put("selectedOption", answer.value())
            .put("userId", answer.sender().id())
            .toString();
    String sessionId = q.sessionId();
    Path dir = sessionDir(sessionId);
    central.write(c -> {
      SessionWork.markPending(c, sessionId);
      return null;
    });
    files.writeInbound(
        dir,
        c ->
            InboundRows.insert(
                c,
                new InboundRow(id, "system", Times.format(answer.timestamp()), null, null,
                    q.platformId(), q.channelType(), q.threadId(), content)));
    central.write(c -> {
      Questions.answered(c, q.questionId(), answerId, Times.format(now));
      return null;
    });
    wake.accept(sessionId);
    return new InboundOutcome.Stored(id, List.of(sessionId));
  }

  /**
   * Closes the questions nobody answered within their expiry, and forgets closed ones a day later.
   * Returns how many it closed.
   */
  int expireUnanswered() {
    Instant now = clock.instant();
    return central.write(
        c ->
            Questions.expire(
                c,
                Times.format(now.minus(expireAfter)),
                Times.format(now.minus(Duration.ofDays(1))),
                Times.format(now)));
  }

  /**
   * A reply that answers the chat's newest question sent as numbered text: its number (1 = the
   * first option) or an option's label. Anything else is an ordinary message.
   */
  Optional<InboundOutcome> fromText(String channelType, InboundEvent event) {
    Optional<Questions.Pending> pending =
        central.read(c -> Questions.latestAsText(c, channelType, event.platformId(), event.threadId()));
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    List<Option> options = options(pending.get().options());
    String text = event.text().trim();
    String value = null;
    if (text.matches("\\d{1,3}")) {
      int index = Integer.parseInt(text) - 1;
      value = index >= 0 && index < options.size() ? options.get(index).value() : null;
    } else {
      for (Option option : options) {
        if (option.label().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
          value = option.value();
        }
      }
    }
    if (value == null) {
      return Optional.empty();
    }
    String answerId = event.messageId() != null ? "text:" + event.messageId() : null;
    return Optional.of(
        answer(
            channelType,
            new QuestionAnswer(event.platformId(), event.threadId(), pending.get().questionId(), value,
                event.sender(), answerId, event.timestamp())));
  }

  private Path sessionDir(String sessionId) {
    String group =
        central.read(
            c -> Jdbc.queryOne(c, "SELECT agent_group_id FROM sessions WHERE id = ?", r -> r.getString(1), sessionId))
            .orElseThrow(() -> new IllegalStateException("no session " + sessionId));
    return files.dir(group, sessionId);
  }

  private static List<Option> options(String json) {
    List<Option> result = new ArrayList<>();
    try {
      JsonNode array = JSON.readTree(json);
      for (JsonNode o : array) {
        result.add(new Option(o.path("label").asText(), o.path("value").asText()));
      }
    } catch (IOException e) {
      // No readable options: any value is taken.
    }
    return result;
  }
}
