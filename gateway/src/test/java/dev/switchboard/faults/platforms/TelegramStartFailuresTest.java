package dev.switchboard.faults.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import dev.switchboard.WebhookClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Telegram channel that cannot work with the settings it has, in the real gateway process with
 * the real plugin jar: without a token, or with a token Telegram refuses, the log has one line
 * saying so, {@code /ready} shows the channel failed (and not waiting for a retry), and the gateway
 * serves the other channels.
 */
class TelegramStartFailuresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void a_telegram_section_without_a_token_is_skipped_with_one_log_line_and_the_gateway_serves() throws Exception {
    assumeTrue(System.getenv("TELEGRAM_BOT_TOKEN") == null, "the test's environment has no Telegram token");
    GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config("telegram: {}\n"));

    gateway.launch();
    JsonNode telegram = awaitFailed(gateway);

    assertTrue(telegram.path("problem").asText().contains("channels.telegram.token is required"), telegram.toString());
    assertTrue(telegram.path("problem").asText().contains("TELEGRAM_BOT_TOKEN"), telegram.toString());
    assertEchoes(gateway);
    List<String> lines = lines(gateway, "channels.telegram.token is required");
    assertEquals(1, lines.size(), "one line says why: " + lines + "\n" + gateway.logTail(40));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void a_token_telegram_refuses_stops_the_channel_with_one_log_line_without_retries_and_the_gateway_serves()
      throws Exception {
    try (PollingTelegram telegram = new PollingTelegram(true)) {
      GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config(telegram.channelConfig()));

      gateway.launch();
      JsonNode channel = awaitFailed(gateway);

      String problem = channel.path("problem").asText();
      assertTrue(problem.startsWith("Telegram refused the bot token (401"), channel.toString());
      assertFalse(problem.contains("trying again"), "a refused token is not tried again: " + problem);
      assertEchoes(gateway);
      assertEquals(List.of("getme"), telegram.methods(), "one call, no retry");
      List<String> lines = lines(gateway, "Telegram refused the bot token");
      assertEquals(1, lines.size(), "one line says why: " + lines + "\n" + gateway.logTail(40));
      String secret = PollingTelegram.TOKEN.substring(PollingTelegram.TOKEN.indexOf(':') + 1);
      assertFalse(gateway.log().contains(secret), "the token is never logged");
    }
  }

  private static String config(String telegramSection) {
    return """
        dataDir: data
        pluginsDir: plugins
        channels:
          webhook: {}
        %sagentGroups:
          - {folder: main, provider: echo}
        wirings:
          - {channel: webhook, chat: "*", agentGroup: main}
        """.formatted(telegramSection.indent(2));
  }

  /** Waits until {@code /ready} reports the Telegram channel failed; returns its entry. */
  private static JsonNode awaitFailed(GatewayProcess gateway) throws IOException {
    Await.until(
        "/ready reports the telegram channel failed",
        WAIT,
        () -> gateway.get("/ready").map(body -> body.contains("\"failed\"")).orElse(false),
        () -> gateway.get("/ready").orElse("(no answer)") + "\n" + gateway.logTail(40));
    JsonNode ready = JSON.readTree(gateway.get("/ready").orElseThrow());
    assertFalse(ready.path("ready").asBoolean(), ready.toString());
    assertEquals("failed", ready.at("/channels/telegram/state").asText(), ready.toString());
    return ready.at("/channels/telegram");
  }

  /** The webhook channel stores a message and the echo agent's reply comes back. */
  private static void assertEchoes(GatewayProcess gateway) throws Exception {
    WebhookClient client = gateway.webhook();
    Await.until("the webhook channel takes a message", WAIT, () -> {
      try {
        return client.post("still-up", "m-1", "hi").status() == 202;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    Await.until("the echo agent answers", WAIT, () -> {
      try {
        return client.fetch("still-up", null, 1).messages().stream().anyMatch(r -> r.text().equals("echo: hi"));
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
  }

  /** The log lines that contain {@code text}. */
  private static List<String> lines(GatewayProcess gateway, String text) {
    return gateway.log().lines().filter(line -> line.contains(text)).toList();
  }
}
