package dev.switchboard.faults.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the routes that parse what the internet sends, called through the
 * real plugins (loaded from their jars, made by their factories). In a normal test run each
 * target replays its seed inputs from {@code src/test/resources/dev/switchboard/faults/hostile/
 * RouteFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} it fuzzes (see docs/reliability.md).
 *
 * <p>The properties: a route answers, never throws; a webhook message is answered 202 only for a
 * body that yields a well-formed event, else 4xx; Slack answers 401 to anything not signed with
 * the secret, and 200 or 400 to what is.
 */
class RouteFuzzTest {
  private static final String TOKEN = "fuzz-token-0123456789abcdef";
  private static final String SLACK_SECRET = "fuzz-signing-secret";

  /** The channels, made once per JVM: a fuzzing run calls a target millions of times. */
  private static final class Routes {
    static final Routes INSTANCE = make();
    final PluginChannels plugins;
    final PlatformApis apis;
    final PluginChannels.RecordingContext webhookContext;
    final WebhookRoute webhookMessages;
    final WebhookRoute slackEvents;
    final WebhookRoute slackInteractivity;

    private Routes() throws Exception {
      Path folder = Files.createTempDirectory("switchboard-fuzz-");
      plugins = new PluginChannels(folder);
      apis = new PlatformApis();
      webhookContext = plugins.context("webhook");
      Channel webhook = plugins.create("webhook", Map.of("token", TOKEN), webhookContext);
      webhook.start();
      webhookMessages = PluginChannels.route(webhook, "");
      Channel slack =
          plugins.create(
              "slack",
              Map.of("botToken", "xoxb-fuzz", "signingSecret", SLACK_SECRET, "mode", "events", "apiUrl", apis.slackUrl()),
              plugins.context("slack"));
      slack.start();
      slackEvents = PluginChannels.route(slack, "events");
      slackInteractivity = PluginChannels.route(slack, "interactivity");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        plugins.close();
        apis.close();
        deleteTree(folder);
      }));
    }

    private static void deleteTree(Path folder) {
      try (var paths = Files.walk(folder)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException | UncheckedIOException e) {
        // A leftover folder in the temporary directory is harmless.
      }
    }

    private static Routes make() {
      try {
        return new Routes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot make the channels to fuzz", e);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void webhook_message_route_answers_202_for_a_well_formed_event_and_4xx_otherwise(FuzzedDataProvider data) {
    Routes routes = Routes.INSTANCE;
    boolean rightToken = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", rightToken ? "Bearer " + TOKEN : "Bearer wrong");
    int before = routes.webhookContext.events.size();

    WebhookResponse response =
        routes.webhookMessages.handler().handle(PluginChannels.post("/webhooks/webhook", headers, body));

    int status = response.status();
    if (!rightToken) {
      assertEquals(401, status, PluginChannels.text(response));
      assertEquals(before, routes.webhookContext.events.size(), "nothing submitted without the token");
      return;
    }
    assertTrue(status == 202 || (status >= 400 && status < 500), PluginChannels.text(response));
    List<InboundEvent> events = routes.webhookContext.events;
    if (status == 202) {
      assertEquals(before + 1, events.size(), "a 202 submitted exactly one event");
      InboundEvent event = events.get(events.size() - 1);
      wellFormedId(event.platformId(), "chat");
      wellFormedId(event.sender().id(), "sender.id");
      assertNotNull(event.text(), "text");
      if (event.messageId() != null) {
        wellFormedId(event.messageId(), "id");
      }
    } else {
      assertEquals(before, events.size(), "a refusal submitted nothing");
    }
  }

  @FuzzTest(maxDuration = "30s")
  void slack_events_route_refuses_what_is_not_signed_and_parses_what_is_without_failing(FuzzedDataProvider data) {
    Routes routes = Routes.INSTANCE;
    boolean sign = data.consumeBoolean();
    boolean interactivity = data.consumeBoolean();
    String timestamp = sign ? Long.toString(Instant.now().getEpochSecond()) : data.consumeString(24);
    String offered = sign ? null : data.consumeString(80);
    byte[] body = data.consumeRemainingAsBytes();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Slack-Request-Timestamp", timestamp);
    headers.put("X-Slack-Signature", sign ? HostileRequests.signText(SLACK_SECRET, timestamp, body) : offered);
    WebhookRoute route = interactivity ? routes.slackInteractivity : routes.slackEvents;

    WebhookResponse response =
        route.handler().handle(PluginChannels.post("/webhooks/slack/" + route.path(), headers, body));

    int status = response.status();
    if (!sign) {
      assertEquals(401, status, "unsigned: " + PluginChannels.text(response));
    } else {
      assertTrue(status == 200 || status == 400, "signed: " + PluginChannels.text(response) + " for " + new String(body, UTF_8));
    }
  }

  private static void wellFormedId(String value, String name) {
    assertNotNull(value, name);
    assertTrue(!value.isBlank() && value.length() <= 256, name + " blank or too long: " + value.length());
    assertTrue(value.chars().noneMatch(Character::isISOControl), name + " has a control character");
  }
}
