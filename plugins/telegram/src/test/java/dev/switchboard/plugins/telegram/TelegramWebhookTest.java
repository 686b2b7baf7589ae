package dev.switchboard.plugins.telegram;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import dev.switchboard.plugin.testkit.PlatformMessage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook mode: the route checks the secret and answers 200 only once the update is stored. */
class TelegramWebhookTest {
  @TempDir Path folder;
  private Harness harness;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.webhook(folder);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static WebhookResponse post(Channel channel, String secret, String body) {
    WebhookRoute route = channel.webhookRoutes().getFirst();
    Map<String, List<String>> headers = new HashMap<>();
    if (secret != null) {
      headers.put("x-telegram-bot-api-secret-token", List.of(secret));
    }
    return route.handler().handle(
        new WebhookRequest("POST", "/webhooks/telegram/update", Map.of(), Map.of(), headers, body.getBytes(UTF_8), "127.0.0.1"));
  }

  @Test
  void starting_sets_the_webhook_with_its_public_url_and_secret() throws Exception {
    harness.started();

    FakeBotApi.Call call = harness.api.calls("setWebhook").getFirst();
    assertEquals("https://bot.example.com/webhooks/telegram/update", call.params().path("url").asText());
    assertEquals(FakeBotApi.SECRET, call.params().path("secret_token").asText());
  }

  @Test
  void the_route_is_update_under_the_channels_prefix() throws Exception {
    Channel channel = harness.channel(Map.of(), harness.context);

    assertEquals(List.of("update"), channel.webhookRoutes().stream().map(WebhookRoute::path).toList());
  }

  @Test
  void a_request_without_the_right_secret_is_refused_and_nothing_is_stored() throws Exception {
    Channel channel = harness.started();
    String update = "{\"update_id\":1,\"message\":{\"message_id\":5,\"date\":1,\"chat\":{\"id\":1,\"type\":\"private\"},\"text\":\"x\"}}";

    assertEquals(401, post(channel, null, update).status());
    assertEquals(401, post(channel, FakeBotApi.SECRET + "x", update).status());
    assertEquals(401, post(channel, "", update).status());
    assertEquals(0, harness.context.submitted().size());
    assertEquals(200, post(channel, FakeBotApi.SECRET, update).status());
  }

  @Test
  void a_body_that_is_not_an_update_is_a_bad_request() throws Exception {
    Channel channel = harness.started();

    assertEquals(400, post(channel, FakeBotApi.SECRET, "not json").status());
  }

  @Test
  void the_answer_is_503_while_the_store_is_unavailable_and_200_once_the_update_is_stored() throws Exception {
    harness.started();
    harness.context.failEverything();

    String id = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "hello"));
    harness.context.storeEverything();
    harness.api.redeliver(id);

    assertEquals(List.of(503, 200), harness.api.webhookStatuses());
    assertEquals("hello", harness.context.awaitStored(id, Harness.TIMEOUT).text());
  }

  @Test
  void a_webhook_channel_without_a_secret_refuses_to_start() {
    Map<String, String> values = new HashMap<>(harness.api.settings());
    values.remove("webhook.secret");

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> new TelegramChannelFactory().create(Settings.of("channels.telegram", values), FakeChannelContext.inTemporaryFolder()));
    assertTrue(refused.getMessage().contains("channels.telegram.webhook.secret"), refused.getMessage());
  }

  @Test
  void a_closed_channel_answers_503_so_that_telegram_sends_again() throws Exception {
    Channel channel = harness.started();
    channel.close();

    assertEquals(503, post(channel, FakeBotApi.SECRET, "{\"update_id\":1}").status());
  }
}
