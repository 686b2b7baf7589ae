package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.net.URLDecoder;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Events API: Slack POSTs to {@code /webhooks/slack/events} and {@code
 * /webhooks/slack/interactivity} on the gateway's HTTP server. Every request's signature is checked
 * over the raw body first; a bad, missing or stale one gets 401 and nothing else happens.
 *
 * <p>The 200 goes back only once the event is stored. Anything else (503 when the store or the
 * first delivery of the same message failed) makes Slack send the event again, with {@code
 * X-Slack-Retry-Num}; a retry of a stored message is answered 200 without storing it twice.
 */
final class SlackEventsApi {
  private static final Logger log = LoggerFactory.getLogger(SlackEventsApi.class);

  private final SlackSignatures signatures;
  private final Supplier<SlackEvents> events;
  private final Executor followUps;
  private final Clock clock;

  /**
   * @param events the handler, or null while the channel is not running (requests then get 503)
   * @param followUps where work after the acknowledgement runs
   */
  SlackEventsApi(
      SlackSignatures signatures, Supplier<SlackEvents> events, Executor followUps, Clock clock) {
    this.signatures = requireNonNull(signatures, "signatures is null");
    this.events = requireNonNull(events, "events is null");
    this.followUps = requireNonNull(followUps, "followUps is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  List<WebhookRoute> routes() {
    return List.of(
        WebhookRoute.post("events", request -> verified(request, this::event)),
        WebhookRoute.post("interactivity", request -> verified(request, this::interactivity)));
  }

  private interface Handler {
    WebhookResponse handle(WebhookRequest request, SlackEvents events);
  }

  private WebhookResponse verified(WebhookRequest request, Handler handler) {
    Optional<String> problem =
        signatures.problem(
            request.header(SlackSignatures.TIMESTAMP_HEADER),
            request.header(SlackSignatures.SIGNATURE_HEADER),
            request.body(),
            clock.instant());
    if (problem.isPresent()) {
      log.warn("Refused a request to {}: {}", request.path(), problem.get());
      return WebhookResponse.json(401, "{\"error\":\"invalid signature\"}");
    }
    SlackEvents current = events.get();
    if (current == null) {
      return unavailable("the Slack channel is not running");
    }
    try {
      return handler.handle(request, current);
    } catch (StoreUnavailableException | OnceOnly.NotYetStored e) {
      log.warn("A Slack event was not stored, Slack will send it again: {}", e.getMessage());
      return unavailable("not stored, send it again");
    }
  }

  private WebhookResponse event(WebhookRequest request, SlackEvents current) {
    JsonObject payload = json(request.bodyText()).orElse(null);
    if (payload == null) {
      return WebhookResponse.json(400, "{\"error\":\"the body is not a JSON object\"}");
    }
    String type = SlackInbound.string(payload, "type");
    if ("url_verification".equals(type)) {
      JsonObject answer = new JsonObject();
      answer.addProperty("challenge", SlackInbound.string(payload, "challenge"));
      return WebhookResponse.json(200, answer.toString());
    }
    if ("event_callback".equals(type)) {
      Optional<String> malformed = SlackInbound.malformed(payload);
      if (malformed.isPresent()) {
        JsonObject answer = new JsonObject();
        answer.addProperty("error", malformed.get());
        return WebhookResponse.json(400, answer.toString());
      }
      request
          .header("X-Slack-Retry-Num")
          .ifPresent(
              retry ->
                  log.debug(
                      "Slack retry {} ({}) of event {}",
                      retry,
                      request.header("X-Slack-Retry-Reason").orElse("no reason"),
                      SlackInbound.string(payload, "event_id")));
      current.eventCallback(payload);
    } else {
      log.debug("Ignored a Slack Events API request of type {}", type);
    }
    return WebhookResponse.empty(200);
  }

  private WebhookResponse interactivity(WebhookRequest request, SlackEvents current) {
    Optional<JsonObject> payload = formField(request.bodyText(), "payload").flatMap(SlackEventsApi::json);
    if (payload.isEmpty()) {
      return WebhookResponse.json(400, "{\"error\":\"no payload form field with a JSON object\"}");
    }
    current.interaction(payload.get()).ifPresent(followUps::execute);
    return WebhookResponse.empty(200);
  }

  private static WebhookResponse unavailable(String reason) {
    JsonObject body = new JsonObject();
    body.addProperty("error", reason);
    return WebhookResponse.json(503, body.toString()).withHeader("Retry-After", "5");
  }

  static Optional<JsonObject> json(String text) {
    try {
      JsonElement element = JsonParser.parseString(text);
      return element.isJsonObject() ? Optional.of(element.getAsJsonObject()) : Optional.empty();
    } catch (JsonParseException e) {
      return Optional.empty();
    }
  }

  /** A field of an {@code application/x-www-form-urlencoded} body. */
  static Optional<String> formField(String body, String name) {
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      try {
        if (URLDecoder.decode(key, UTF_8).equals(name)) {
          return Optional.of(equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8));
        }
      } catch (IllegalArgumentException e) {
        // A broken %-escape: the body is not a form, so the field is not there.
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
