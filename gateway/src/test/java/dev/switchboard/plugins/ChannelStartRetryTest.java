package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.GatewayConfig.ChannelSection;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel whose platform is unreachable at start is made again and started later. */
class ChannelStartRetryTest {
  @TempDir Path dir;

  /** Each instance answers its route with its own number; the first cannot start. */
  private static final class Flaky implements ChannelFactory {
    final AtomicInteger made = new AtomicInteger();

    @Override
    public String channelType() {
      return "flaky";
    }

    @Override
    public Channel create(Settings settings, ChannelContext context) {
      int instance = made.incrementAndGet();
      return new Channel() {
        @Override
        public void start() throws IOException {
          if (instance == 1) {
            throw new IOException("platform unreachable");
          }
        }

        @Override
        public DeliveryResult deliver(OutboundMessage message) {
          return new DeliveryResult.Delivered(null);
        }

        @Override
        public List<WebhookRoute> webhookRoutes() {
          return List.of(WebhookRoute.get("who", request -> WebhookResponse.text(200, "instance " + instance)));
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void a_failed_start_is_retried_with_a_fresh_instance_that_serves_the_routes() throws Exception {
    Flaky factory = new Flaky();
    ChannelHost host =
        new ChannelHost(
            Map.of("flaky", new ChannelSection(true, Map.of())), Map.of(), dir,
            (type, event) -> new InboundOutcome.Dropped("x", "unused"));
    try {
      host.create(List.of(factory));
      List<ChannelHost.MountedRoute> routes = host.routes();
      host.startAll();
      ChannelStatus first = host.statuses().get(0);
      assertEquals("failed", first.state());
      assertTrue(first.problem().contains("trying again in 5 s"), first.problem());

      await(() -> host.statuses().get(0).running());
      assertTrue(host.statuses().get(0).running(), "running after the retry: " + host.statuses());
      assertEquals(2, factory.made.get());
      WebhookRequest request = new WebhookRequest("GET", "/webhooks/flaky/who", Map.of(), Map.of(), Map.of(), new byte[0], "127.0.0.1");
      assertEquals("instance 2", new String(routes.get(0).route().handler().handle(request).body()),
          "the route mounted at start reaches the new instance");
    } finally {
      host.close();
    }
  }

  /** Waits for a condition with a deadline, checking every 20 ms. */
  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
