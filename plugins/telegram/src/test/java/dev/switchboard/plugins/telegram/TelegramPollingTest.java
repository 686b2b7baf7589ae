package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.testkit.PlatformMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polling mode: the offset moves only past stored updates. */
class TelegramPollingTest {
  @TempDir Path folder;
  private Harness harness;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.polling(folder);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void a_token_telegram_refuses_is_a_settings_error_that_names_the_setting_but_not_the_token() {
    harness.api.refuseNext(java.util.Set.of("getme"), 401, "Unauthorized");
    Channel channel = harness.channel(Map.of(), harness.context);

    ConfigException refused = assertThrows(ConfigException.class, channel::start);

    String token = harness.api.settings().get("token");
    assertTrue(refused.getMessage().startsWith("Telegram refused the bot token (401 Unauthorized"), refused.getMessage());
    assertTrue(refused.getMessage().contains("TELEGRAM_BOT_TOKEN"), refused.getMessage());
    assertFalse(refused.getMessage().contains(token), "the token is not in the message");
    assertFalse(refused.getMessage().contains(token.substring(token.indexOf(':') + 1)), "nor its secret part");
  }

  @Test
  void a_bot_api_that_fails_at_start_is_not_a_settings_error_so_the_start_is_tried_again() {
    harness.api.failNext(java.util.Set.of("getme"), 502, "<html>Bad Gateway</html>");
    Channel channel = harness.channel(Map.of(), harness.context);

    Exception failed = assertThrows(Exception.class, channel::start);

    assertFalse(failed instanceof ConfigException, failed.toString());
    assertTrue(failed.getMessage().startsWith("could not reach the Bot API"), failed.getMessage());
  }

  @Test
  void a_crash_between_storing_an_update_and_saving_the_offset_reads_it_again_as_a_duplicate() throws Exception {
    CountDownLatch stored = new CountDownLatch(1);
    // The gateway stores the event, then the process "dies" before submit returns to the poller.
    ChannelContext crashing =
        new ChannelContext() {
          @Override
          public InboundOutcome submit(InboundEvent event) {
            InboundOutcome outcome = harness.context.submit(event);
            stored.countDown();
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the process died");
          }

          @Override
          public Path dataDir() {
            return harness.context.dataDir();
          }
        };
    Channel first = harness.channel(Map.of(), crashing);
    first.start();
    String id = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "remember me"));
    assertTrue(stored.await(10, TimeUnit.SECONDS), "the update was stored");
    first.close();
    assertEquals(1, harness.api.pendingUpdates(), "Telegram still holds the update");

    harness.started();
    harness.context.awaitSubmitted("the update read again", e -> e.messageId().equals(id) && harness.context.submitted().stream().filter(s -> s.messageId().equals(id)).count() == 2, Harness.TIMEOUT);

    assertEquals(1, harness.context.stored().size(), "stored once");
    String after = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "next"));
    harness.context.awaitStored(after, Harness.TIMEOUT);
    Harness.await("both updates are confirmed to Telegram", () -> harness.api.pendingUpdates() == 0);
  }

  @Test
  void an_update_the_store_refuses_is_not_confirmed_and_is_stored_once_the_store_is_back() throws Exception {
    harness.context.failEverything();
    harness.started();
    String id = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "retry me"));
    harness.context.awaitSubmitted("a refused submit", e -> e.messageId().equals(id), Harness.TIMEOUT);

    assertEquals(1, harness.api.pendingUpdates());
    harness.context.storeEverything();

    harness.context.awaitStored(id, Harness.TIMEOUT);
  }

  @Test
  void the_offset_is_saved_in_the_data_folder_and_a_restart_asks_from_it() throws Exception {
    Channel channel = harness.started();
    String id = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "one"));
    harness.context.awaitStored(id, Harness.TIMEOUT);
    channel.close();

    assertEquals("2", Files.readString(harness.context.dataDir().resolve("offset")).strip());
    int before = harness.api.calls("getUpdates").size();
    harness.started();
    FakeBotApi.Call poll = harness.api.awaitCalls("getUpdates", before + 1, Harness.TIMEOUT).get(before);
    assertEquals(2, poll.params().path("offset").asInt(), poll.toString());
  }

  @Test
  void starting_deletes_a_webhook_and_keeps_pending_updates() throws Exception {
    harness.started();

    FakeBotApi.Call delete = harness.api.calls("deleteWebhook").getFirst();
    assertEquals(false, delete.params().path("drop_pending_updates").asBoolean(true));
  }

  @Test
  void a_document_is_downloaded_and_a_file_over_the_limit_becomes_a_note() throws Exception {
    harness.started(Map.of("files.maxSize", "100"));
    PlatformMessage small =
        PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "small")
            .with(new PlatformMessage.Attachment("a.txt", "text/plain", new byte[50]));
    PlatformMessage big =
        PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "big")
            .with(new PlatformMessage.Attachment("b.bin", "application/octet-stream", new byte[1000]));

    InboundEvent first = harness.context.awaitStored(harness.api.send(small), Harness.TIMEOUT);
    InboundEvent second = harness.context.awaitStored(harness.api.send(big), Harness.TIMEOUT);

    assertEquals(1, first.attachments().size());
    assertEquals(50, Files.size(first.attachments().getFirst().file()));
    assertEquals(0, second.attachments().size());
    assertTrue(second.text().contains("[the file b.bin (0.0 MB) was not downloaded"), second.text());
  }

  @Test
  void the_bot_added_to_a_group_reaches_the_gateway_with_the_groups_name() throws Exception {
    harness.started();
    var change = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    change.set("chat", harness.api.chat(FakeBotApi.GROUP));
    change.set("from", FakeBotApi.user(FakeBotApi.USER));
    change.put("date", 1);
    change.putObject("old_chat_member").put("status", "left").set("user", FakeBotApi.user(FakeBotApi.USER));
    change.putObject("new_chat_member").put("status", "member").set("user", FakeBotApi.user(FakeBotApi.USER));
    harness.api.sendUpdate("my_chat_member", change);

    InboundEvent event = harness.context.awaitStored(1, Harness.TIMEOUT).getFirst();

    assertEquals(new InboundEvent.ChatInfo("Conformance group", true), event.chat());
    assertTrue(event.text().contains("added @" + FakeBotApi.BOT_USERNAME), event.text());
  }

  @Test
  void a_store_that_is_unavailable_is_reported_as_a_problem_until_it_is_back() throws Exception {
    harness.context.failEverything();
    Channel channel = harness.started();
    String id = harness.api.send(PlatformMessage.plain(FakeBotApi.GROUP, FakeBotApi.USER, "x"));
    harness.context.awaitSubmitted("a refused submit", e -> e.messageId().equals(id), Harness.TIMEOUT);

    Harness.await("a problem is reported", () -> channel.problem().isPresent());
    harness.context.storeEverything();
    harness.context.awaitStored(id, Harness.TIMEOUT);
    Harness.await("the problem is over", () -> channel.problem().isEmpty());
  }
}
