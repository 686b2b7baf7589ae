package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookChannelTest {
  @TempDir Path dataDir;

  @Test
  void factory_makes_the_webhook_channel_with_its_capabilities_and_routes() {
    WebhookChannelFactory factory = new WebhookChannelFactory();
    Channel channel =
        factory.create(
            Settings.of(
                "channels.webhook", Map.of("rateLimit.burst", "3", "rateLimit.interval", "1s")),
            new FakeChannelContext(dataDir));

    assertEquals("webhook", factory.channelType());
    assertEquals(
        Set.of(
            Capability.TEXT,
            Capability.MARKDOWN,
            Capability.THREADS,
            Capability.EDIT,
            Capability.REACTION,
            Capability.QUESTION),
        channel.capabilities());
    assertEquals(
        List.of("POST ", "POST answers", "POST events", "GET chats/{chat}/messages"),
        channel.webhookRoutes().stream().map(r -> r.method() + " " + r.path()).toList());
    assertEquals(new RateLimit(3, Duration.ofSeconds(1)), channel.rateLimit());
    channel.close();
  }

  @Test
  void reply_is_posted_to_the_callback_and_appended_to_the_feed() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver();
        Harness harness =
            new Harness(
                dataDir,
                Map.of("callbackUrl", receiver.url().toString(), "signingSecret", "s3cret"))) {
      DeliveryResult result = harness.deliver("o-1", "demo", new Text("hi"));

      assertEquals(new DeliveryResult.Delivered("o-1"), result);
      JsonNode posted = Harness.json(receiver.calls.getFirst().body());
      JsonNode fed = Harness.json(harness.get("demo", Map.of("wait", "0"))).get("messages").get(0);
      assertEquals(fed, posted);
      assertTrue(receiver.calls.getFirst().headers().containsKey("X-Switchboard-Signature"));
    }
  }

  @Test
  void retry_after_a_failed_callback_posts_again_but_feeds_once() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver();
        Harness harness = new Harness(dataDir, Map.of("callbackUrl", receiver.url().toString()))) {
      receiver.status = 503;
      DeliveryResult failed = harness.deliver("o-1", "demo", new Text("hi"));
      receiver.status = 200;
      DeliveryResult retried = harness.deliver("o-1", "demo", new Text("hi"));

      assertInstanceOf(DeliveryResult.Transient.class, failed);
      assertEquals(new DeliveryResult.Delivered("o-1"), retried);
      assertEquals(2, receiver.calls.size());
      assertEquals(
          receiver.calls.get(0).body(),
          receiver.calls.get(1).body(),
          "the retry sends the stored entry");
      assertEquals(
          1, Harness.json(harness.get("demo", Map.of("wait", "0"))).get("messages").size());
    }
  }

  @Test
  void unwritable_feed_is_a_transient_failure() throws Exception {
    try (Harness harness = new Harness(dataDir)) {
      java.nio.file.Files.delete(dataDir.resolve("feeds"));
      java.nio.file.Files.writeString(
          dataDir.resolve("feeds"), "a file where the folder should be");

      assertInstanceOf(
          DeliveryResult.Transient.class, harness.deliver("o-1", "demo", new Text("hi")));
    }
  }

  @Test
  void close_leaves_no_threads_started_by_the_channel() throws Exception {
    try (CallbackReceiver receiver = new CallbackReceiver()) {
      Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
      Harness harness = new Harness(dataDir, Map.of("callbackUrl", receiver.url().toString()));
      harness.deliver("o-1", "demo", new Text("hi"));
      List<Thread> started =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> !before.contains(t))
              .filter(t -> !t.getName().startsWith("pool-"))
              .toList();
      assertFalse(started.isEmpty(), "the callback client runs threads while open");

      harness.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      for (Thread thread : started) {
        thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }

      List<String> alive = started.stream().filter(Thread::isAlive).map(Thread::getName).toList();
      assertEquals(List.of(), alive);
    }
  }
}
