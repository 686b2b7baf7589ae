package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway at its bound of inbound requests in flight: a channel plugin built by the test, whose
 * webhook route holds each request until the test releases it and then stores its message, loaded
 * through PF4J into the real gateway in this process; the echo agent answers.
 */
class InFlightSheddingTest {
  // The plugin's classes come from their own class loader; the JDK's are shared, so the test and
  // the plugin's route meet through these two objects, kept in the system properties.
  private static final String ENTERED = "switchboard.test.held.entered";
  private static final String RELEASE = "switchboard.test.held.release";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final Semaphore entered = new Semaphore(0);
  private final CountDownLatch release = new CountDownLatch(1);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void cleanUp() {
    release.countDown();
    System.getProperties().remove(ENTERED);
    System.getProperties().remove(RELEASE);
  }

  @Test
  void past_the_in_flight_bound_posts_get_503_at_once_and_the_held_ones_are_stored_and_answered()
      throws Exception {
    System.getProperties().put(ENTERED, entered);
    System.getProperties().put(RELEASE, release);
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path classes = TestPlugins.compile(dir, Map.of("test.held.Factory", heldChannel()), List.of());
    TestPlugins.jar(
        plugins.resolve("held.jar"), "held", ">=1.0.0 & <2.0.0", List.of("test.held.Factory"), List.of(classes));
    String yaml =
        """
        http:
          admission: {maxInFlight: 2, retryAfter: 3s}
        channels:
          held: {}
        agentGroups:
          - {folder: main, provider: echo}
        wirings:
          - {channel: held, chat: "*", agentGroup: main}
        """;

    try (GatewayRun run = GatewayRun.start(dir, plugins, yaml)) {
      List<Thread> held = new ArrayList<>();
      List<AtomicReference<HttpResponse<String>>> heldAnswers = new ArrayList<>();
      for (String id : List.of("h-1", "h-2")) {
        AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
        heldAnswers.add(answer);
        held.add(Thread.ofVirtual().start(() -> answer.set(post(run, id))));
      }
      assertTrue(entered.tryAcquire(2, TIMEOUT.toSeconds(), TimeUnit.SECONDS), "both posts reached the channel");

      for (int i = 1; i <= 5; i++) {
        HttpResponse<String> shed = post(run, "s-" + i);
        assertEquals(503, shed.statusCode(), shed.body());
        assertEquals("3", shed.headers().firstValue("Retry-After").orElse(null));
      }
      assertEquals(0, entered.availablePermits(), "no shed post reached the channel");
      String metrics = run.get("/metrics", TIMEOUT).body();
      assertTrue(metrics.contains("switchboard_inbound_shed_total{reason=\"in_flight\"} 5"), metrics);
      assertTrue(metrics.contains("switchboard_inbound_in_flight 2"), metrics);
      assertTrue(metrics.contains("switchboard_inbound_total{outcome=\"stored\"} 0"), metrics);

      release.countDown();
      for (Thread thread : held) {
        assertTrue(thread.join(TIMEOUT), "a held post was answered");
      }
      for (AtomicReference<HttpResponse<String>> answer : heldAnswers) {
        assertEquals(202, answer.get().statusCode(), answer.get().body());
        assertEquals("stored", answer.get().body());
      }

      // Normal service: a post that was shed is taken when sent again (nothing of it was stored
      // before), and every post taken is answered by its agent.
      HttpResponse<String> again = post(run, "s-1");
      assertEquals(202, again.statusCode(), again.body());
      assertEquals("stored", again.body());
      Await.until(
          "the three messages taken are answered",
          TIMEOUT,
          () -> delivered(run) == 3,
          () -> get(run, "/metrics"));
      String after = get(run, "/metrics");
      assertTrue(after.contains("switchboard_inbound_total{outcome=\"stored\"} 3"), after);
      assertTrue(after.contains("switchboard_inbound_in_flight 0"), after);
    }
  }

  /** A channel whose one route holds each request until released, then stores its body's id. */
  private static String heldChannel() {
    return """
        package test.held;

        import dev.switchboard.plugin.api.*;
        import java.util.List;
        import java.util.concurrent.CountDownLatch;
        import java.util.concurrent.Semaphore;
        import org.pf4j.Extension;

        @Extension
        public final class Factory implements ChannelFactory {
          public String channelType() {
            return "held";
          }

          public Channel create(Settings settings, ChannelContext context) {
            return new Channel() {
              public void start() {}

              public DeliveryResult deliver(OutboundMessage message) {
                return new DeliveryResult.Delivered(null);
              }

              public List<WebhookRoute> webhookRoutes() {
                return List.of(WebhookRoute.post("", request -> {
                  ((Semaphore) System.getProperties().get("%s")).release();
                  try {
                    ((CountDownLatch) System.getProperties().get("%s")).await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return WebhookResponse.json(500, "{}");
                  }
                  String id = request.bodyText();
                  InboundOutcome outcome = context.submit(
                      InboundEvent.builder("chat", new InboundEvent.Sender("u1", "Ada", false), "held " + id)
                          .messageId(id)
                          .build());
                  return WebhookResponse.text(202, outcome instanceof InboundOutcome.Stored ? "stored" : "not stored");
                }));
              }

              public void close() {}
            };
          }
        }
        """
        .formatted(ENTERED, RELEASE);
  }

  private HttpResponse<String> post(GatewayRun run, String id) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(run.base() + "/webhooks/held"))
              .timeout(TIMEOUT) // a post held by mistake fails the test instead of hanging it
              .POST(HttpRequest.BodyPublishers.ofString(id))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String get(GatewayRun run, String path) {
    try {
      return run.get(path, TIMEOUT).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long delivered(GatewayRun run) {
    String prefix = "switchboard_delivery_attempts_total{outcome=\"delivered\"} ";
    for (String line : get(run, "/metrics").split("\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).trim());
      }
    }
    return -1;
  }
}
