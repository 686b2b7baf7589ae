package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import com.slack.api.socket_mode.response.AckResponse;
import dev.switchboard.plugins.slack.SlackErrors.CallFailed;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode: a WebSocket the channel opens itself (apps.connections.open with the app-level
 * token, then the SDK's Java-WebSocket client), so no public URL is needed. Each envelope is
 * acknowledged only after its event was stored; an envelope that failed is left unacknowledged and
 * Slack sends it again.
 *
 * <p>One message processor: envelopes are handled in the order they arrive, so one chat's
 * messages are stored in order. The SDK's session monitor pings every 5 s and reconnects through a
 * new apps.connections.open when the connection is gone, and Slack's {@code disconnect} message
 * (sent before it rotates connections) is followed the same way.
 */
final class SlackSocketMode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SlackSocketMode.class);
  static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  private final SlackApi api;
  private final SlackEvents events;
  private final Executor followUps;
  private final Consumer<Optional<String>> problem;
  private final CountDownLatch hello = new CountDownLatch(1);
  private volatile SocketModeClient client;

  /** @param problem told of a lost connection (a description) and of its return (empty) */
  SlackSocketMode(
      SlackApi api, SlackEvents events, Executor followUps, Consumer<Optional<String>> problem) {
    this.api = requireNonNull(api, "api is null");
    this.events = requireNonNull(events, "events is null");
    this.followUps = requireNonNull(followUps, "followUps is null");
    this.problem = requireNonNull(problem, "problem is null");
  }

  /** Connects and waits for Slack's {@code hello}. */
  void connect() throws CallFailed, IOException, InterruptedException {
    String url = api.openSocketUrl();
    SocketModeClient created;
    try {
      created =
          new SocketModeClientJavaWSImpl(
              api.sdk(),
              api.appToken(),
              url,
              1,
              new ConcurrentLinkedMessageQueue(),
              true,
              true,
              SocketModeClient.DEFAULT_SESSION_MONITOR_INTERVAL_MILLISECONDS);
    } catch (URISyntaxException e) {
      throw new IOException("apps.connections.open gave no usable URL", e);
    }
    created.addWebSocketMessageListener(this::onMessage);
    created.addWebSocketCloseListener(
        (code, reason) ->
            problem.accept(
                Optional.of("Socket Mode connection closed (" + code + "); reconnecting")));
    created.addEventsApiEnvelopeListener(
        envelope -> {
          JsonElement payload = envelope.getPayload();
          if (payload != null && payload.isJsonObject()) {
            events.eventCallback(payload.getAsJsonObject());
          }
          ack(envelope.getEnvelopeId());
        });
    created.addInteractiveEnvelopeListener(
        envelope -> {
          JsonElement payload = envelope.getPayload();
          Optional<Runnable> followUp =
              payload != null && payload.isJsonObject()
                  ? events.interaction(payload.getAsJsonObject())
                  : Optional.empty();
          ack(envelope.getEnvelopeId());
          followUp.ifPresent(followUps::execute);
        });
    client = created;
    created.connect();
    if (!hello.await(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException(
          "Slack's Socket Mode said no hello within " + HELLO_TIMEOUT.toSeconds() + " s");
    }
  }

  // Runs for every message before the typed listeners; an exception in a listener is logged by the
  // SDK and leaves the envelope unacknowledged.
  private void onMessage(String message) {
    Optional<JsonObject> json = SlackEventsApi.json(message);
    if (json.isPresent() && "hello".equals(SlackInbound.string(json.get(), "type"))) {
      hello.countDown();
      problem.accept(Optional.empty());
    }
  }

  private void ack(String envelopeId) {
    SocketModeClient current = client;
    if (envelopeId != null && current != null) {
      current.sendSocketModeResponse(new AckResponse(envelopeId));
    }
  }

  @Override
  public void close() {
    SocketModeClient current = client;
    client = null;
    if (current != null) {
      try {
        current.close();
      } catch (IOException | RuntimeException e) {
        log.debug("Closing the Socket Mode client: {}", e.toString());
      }
    }
  }
}
