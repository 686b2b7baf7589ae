package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.InboundOutcome.Dropped;
import dev.switchboard.plugin.api.InboundOutcome.Duplicate;
import dev.switchboard.plugin.api.InboundOutcome.Stored;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookHandler;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel's routes: {@code POST ""} takes a message, {@code POST answers} the answer to a
 * question, {@code POST events} an integrator's event for a chat's agents, {@code GET
 * chats/{chat}/messages} long-polls a chat's replies. All check the bearer
 * token before anything else, and every refusal is mapped to a response in {@link #guarded} alone.
 */
final class WebhookHandlers {
  private static final Logger log = LoggerFactory.getLogger(WebhookHandlers.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  static final int DEFAULT_WAIT_SECONDS = 25;
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final WebhookSettings settings;
  private final ChannelContext context;
  private final WebhookFeed feed;
  private final Clock clock;
  private volatile WebhookToken token; // null until the channel starts: no token, no access
  private volatile boolean closed;

  WebhookHandlers(WebhookSettings settings, ChannelContext context, WebhookFeed feed, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.context = requireNonNull(context, "context is null");
    this.feed = requireNonNull(feed, "feed is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  List<WebhookRoute> routes() {
    return List.of(
        WebhookRoute.post("", guarded(this::submit)),
        WebhookRoute.post("answers", guarded(this::answer)),
        WebhookRoute.post("events", guarded(this::event)),
        WebhookRoute.get("chats/{chat}/messages", guarded(this::messages)));
  }

  void open(WebhookToken token) {
    this.token = requireNonNull(token, "token is null");
  }

  void close() {
    closed = true;
  }

  private WebhookHandler guarded(WebhookHandler handler) {
    return request -> {
      try {
        authenticate(request);
        return handler.handle(request);
      } catch (WebhookProblem problem) {
        return refusal(problem);
      } catch (StoreUnavailableException e) {
        log.warn("Could not store a webhook message, answered 503: {}", e.getMessage());
        return refusal(new WebhookProblem(503, "storage unavailable, retry later"));
      }
    };
  }

  private void authenticate(WebhookRequest request) {
    WebhookToken current = token;
    if (closed) {
      throw new WebhookProblem(503, "the webhook channel is shut down");
    }
    if (current == null) {
      throw new WebhookProblem(503, "the webhook channel is not started yet");
    }
    if (!current.matches(request.header("Authorization"))) {
      throw new WebhookProblem(401, "missing or wrong bearer token");
    }
  }

  private WebhookResponse submit(WebhookRequest request) {
    InboundEvent event =
        WebhookInbound.parse(request.body(), settings.maxTextLength(), clock.instant());
    InboundOutcome outcome = context.submit(event);
    try {
      feed.markKnown(event.platformId());
    } catch (IOException e) {
      log.warn("Could not create the reply log of a chat; it is known until restart", e);
    }
    return accepted(outcome);
  }

  /** 202 with what became of a message or an event: stored, duplicate, or dropped and why. */
  private WebhookResponse accepted(InboundOutcome outcome) {
    ObjectNode answer = JSON.createObjectNode().put("id", outcome.messageId());
    switch (outcome) {
      case Stored stored ->
          answer.put("status", "stored").put("sessions", stored.sessionIds().size());
      case Duplicate duplicate -> answer.put("status", "duplicate").put("sessions", 0);
      case Dropped dropped ->
          answer.put("status", "dropped").put("sessions", 0).put("reason", dropped.reason());
    }
    return WebhookResponse.json(202, write(answer));
  }

  /**
   * Stores an answer: 202 once stored (or already stored); 409 with the reason when the question
   * is not open (unknown, expired, already answered) or the option is not one of its options.
   */
  private WebhookResponse answer(WebhookRequest request) {
    QuestionAnswer answer = WebhookInbound.parseAnswer(request.body(), clock.instant());
    InboundOutcome outcome;
    try {
      outcome = context.submitAnswer(answer);
    } catch (UnsupportedOperationException e) {
      throw new WebhookProblem(501, "this gateway does not take answers to questions");
    }
    ObjectNode body = JSON.createObjectNode().put("id", outcome.messageId());
    return switch (outcome) {
      case Stored stored -> WebhookResponse.json(202, write(body.put("status", "stored")));
      case Duplicate duplicate -> WebhookResponse.json(202, write(body.put("status", "duplicate")));
      case Dropped dropped ->
          WebhookResponse.json(409, write(body.put("status", "refused").put("error", dropped.reason())));
    };
  }

  /**
   * Stores an integrator's event for the chat's agents: 202 with the outcome, as for a message (a
   * chat no agent group is wired to is "dropped", with the reason).
   */
  private WebhookResponse event(WebhookRequest request) {
    IntegratorEvent event =
        WebhookInbound.parseEvent(request.body(), settings.maxTextLength(), clock.instant());
    InboundOutcome outcome;
    try {
      outcome = context.submitEvent(event);
    } catch (UnsupportedOperationException e) {
      throw new WebhookProblem(501, "this gateway does not take integrator events");
    }
    try {
      feed.markKnown(event.platformId());
    } catch (IOException e) {
      log.warn("Could not create the reply log of a chat; it is known until restart", e);
    }
    return accepted(outcome);
  }

  private WebhookResponse messages(WebhookRequest request) {
    String chat = request.pathParam("chat");
    long after = cursor(request.queryParam("after"));
    Duration wait = waitParam(request.queryParam("wait"));
    int limit = limit(request.queryParam("limit"));
    if (!feed.isKnown(chat)) {
      throw new WebhookProblem(404, "unknown chat");
    }
    FeedPage page;
    try {
      page = feed.read(chat, after, limit, wait);
    } catch (IOException | UncheckedIOException e) {
      log.warn("Could not read the reply log of a chat", e);
      throw new WebhookProblem(500, "the reply log could not be read, retry later");
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode messages = answer.putArray("messages");
    for (String entry : page.entries()) {
      try {
        messages.add(JSON.readTree(entry));
      } catch (JacksonException e) {
        log.warn("Skipped an unreadable entry in the reply log of a chat");
      }
    }
    answer.put("cursor", Long.toString(page.cursor()));
    return WebhookResponse.json(200, write(answer));
  }

  private static long cursor(Optional<String> after) {
    if (after.isEmpty()) {
      return 0;
    }
    String value = after.get();
    if (value.isEmpty()
        || value.length() > 18
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw WebhookProblem.badRequest("after must be a cursor from an earlier answer");
    }
    return Long.parseLong(value);
  }

  private Duration waitParam(Optional<String> wait) {
    long seconds =
        number(wait, "wait", DEFAULT_WAIT_SECONDS, "a whole number of seconds, 0 or more");
    Duration asked = Duration.ofSeconds(seconds);
    return asked.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : asked;
  }

  private static int limit(Optional<String> limit) {
    long value = number(limit, "limit", DEFAULT_LIMIT, "a whole number from 1 to " + MAX_LIMIT);
    if (value < 1 || value > MAX_LIMIT) {
      throw WebhookProblem.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    return (int) value;
  }

  private static long number(Optional<String> text, String name, long absent, String expected) {
    if (text.isEmpty()) {
      return absent;
    }
    String value = text.get().strip();
    if (value.isEmpty()
        || value.length() > 9
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw WebhookProblem.badRequest(name + " must be " + expected);
    }
    return Long.parseLong(value);
  }

  private static WebhookResponse refusal(WebhookProblem problem) {
    WebhookResponse response =
        WebhookResponse.json(
            problem.status(), write(JSON.createObjectNode().put("error", problem.getMessage())));
    return switch (problem.status()) {
      case 401 -> response.withHeader("WWW-Authenticate", "Bearer");
      case 503 -> response.withHeader("Retry-After", "5");
      default -> response;
    };
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a response could not be written as JSON", e);
    }
  }
}
