package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One channel that cannot start does not take the gateway down. */
class FailedChannelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void a_channel_whose_start_throws_shows_failed_on_ready_and_the_other_channels_serve()
      throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path webhook = GatewayRun.ROOT.resolve("plugins/webhook.jar");
    assertTrue(Files.exists(webhook), webhook + " is built by the plugins module before this test");
    Files.copy(webhook, plugins.resolve("webhook.jar"));
    Path classes =
        TestPlugins.compile(
            dir,
            Map.of(
                "test.broken.Factory",
                TestPlugins.channelSource(
                    "test.broken",
                    "broken",
                    "throw new IllegalStateException(\"the platform refused the bot\");")),
            List.of());
    TestPlugins.jar(
        plugins.resolve("broken.jar"),
        "broken",
        ">=1.0.0 & <2.0.0",
        List.of("test.broken.Factory"),
        List.of(classes));
    String yaml =
        """
        channels:
          webhook: {}
          broken: {}
        agentGroups:
          - {folder: main, provider: echo}
        wirings:
          - {channel: webhook, chat: "*", agentGroup: main}
        """;

    try (GatewayRun run = GatewayRun.start(dir, plugins, yaml)) {
      HttpResponse<String> ready = run.get("/ready", Duration.ofSeconds(10));
      JsonNode body = JSON.readTree(ready.body());
      assertEquals(503, ready.statusCode(), ready.body());
      assertFalse(body.get("ready").asBoolean());
      assertEquals("failed", body.at("/channels/broken/state").asText(), ready.body());
      assertEquals(
          "failed to start (java.lang.IllegalStateException: the platform refused the bot); trying again in 5 s",
          body.at("/channels/broken/problem").asText());
      assertEquals("running", body.at("/channels/webhook/state").asText(), ready.body());

      String message =
          """
          {"chat": "still-up", "id": "m-1", "sender": {"id": "u1"}, "text": "hi"}""";
      assertEquals(202, run.post("/webhooks/webhook", message).statusCode());
      HttpResponse<String> replies =
          run.get("/webhooks/webhook/chats/still-up/messages?wait=20", Duration.ofSeconds(30));
      String reply = JSON.readTree(replies.body()).at("/messages/0/text").asText();
      assertEquals("echo: hi", reply, replies.body());
    }
  }
}
