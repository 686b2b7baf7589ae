package dev.switchboard.plugins.discord;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP interactions endpoint, with an Ed25519 key pair made for the test. */
class DiscordInteractionsTest {
  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

  @TempDir Path folder;

  private KeyPair keys;
  private FakeChannelContext context;
  private ScriptedContext scripted;
  private DiscordInteractions endpoint;
  private QuestionButtons buttons;
  private final List<String> followUps = new CopyOnWriteArrayList<>();
  private final CountDownLatch followedUp = new CountDownLatch(1);

  @BeforeEach
  void makeKeysAndEndpoint() throws Exception {
    keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    // The raw 32-byte key follows the 12-byte X.509 prefix of the encoded public key.
    String publicKey = HexFormat.of().formatHex(Arrays.copyOfRange(keys.getPublic().getEncoded(), 12, 44));
    context = new FakeChannelContext(folder);
    scripted = new ScriptedContext(context);
    buttons = new QuestionButtons(folder.resolve("questions.log"));
    InteractionFollowUps recorded =
        new InteractionFollowUps() {
          @Override
          public void editOriginal(String applicationId, String token, String text) {
            followUps.add("edit " + applicationId + "/" + token + ": " + text);
            followedUp.countDown();
          }

          @Override
          public void tellOnly(String applicationId, String token, String text) {
            followUps.add("tell " + applicationId + "/" + token + ": " + text);
            followedUp.countDown();
          }
        };
    endpoint =
        new DiscordInteractions(
            publicKey, new QuestionPresses(scripted, buttons), recorded, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void closeEndpoint() {
    scripted.releaseAnswers();
    endpoint.close();
  }

  @Test
  void a_signed_ping_is_answered_with_pong() throws Exception {
    WebhookResponse response = endpoint.handle(signed("{\"type\":1,\"id\":\"1\"}", NOW));

    assertEquals(200, response.status());
    assertEquals(1, DataObject.fromJson(response.body()).getInt("type"));
  }

  @Test
  void a_bad_signature_is_refused_with_401() throws Exception {
    WebhookRequest good = signed("{\"type\":1}", NOW);
    WebhookRequest tampered = request("{\"type\":1 }", good.header("X-Signature-Ed25519").orElseThrow(), NOW);

    assertEquals(401, endpoint.handle(tampered).status());
    assertEquals(401, endpoint.handle(request("{\"type\":1}", "00", NOW)).status());
    assertEquals(401, endpoint.handle(new WebhookRequest("POST", "/", Map.of(), Map.of(), Map.of(), "{}".getBytes(UTF_8), "127.0.0.1")).status());
  }

  @Test
  void a_stale_timestamp_is_refused_with_401() throws Exception {
    assertEquals(401, endpoint.handle(signed("{\"type\":1}", NOW.minus(Duration.ofMinutes(10)))).status());
  }

  @Test
  void a_signed_timestamp_beyond_the_range_of_time_is_refused_with_401_not_an_error() throws Exception {
    for (String timestamp : new String[] {"99999999999999999", Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE)}) {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update((timestamp + "{\"type\":1}").getBytes(UTF_8));
      Map<String, List<String>> headers =
          Map.of(
              "X-Signature-Ed25519", List.of(HexFormat.of().formatHex(signer.sign())),
              "X-Signature-Timestamp", List.of(timestamp));
      WebhookRequest request =
          new WebhookRequest("POST", "/", Map.of(), Map.of(), headers, "{\"type\":1}".getBytes(UTF_8), "127.0.0.1");

      assertEquals(401, endpoint.handle(request).status(), timestamp);
    }
  }

  @Test
  void a_pressed_question_button_is_stored_and_the_message_shows_the_choice() throws Exception {
    String customId = buttons.customId("q-1", "later");
    DataObject message = FakeDiscord.message("900000000000000001", FakeDiscord.THREAD, FakeDiscord.GUILD, FakeDiscord.botUser(), "Ship it?");
    message.put("components", DataArray.empty().add(DataObject.empty().put("type", 1).put("components",
        DataArray.empty().add(DataObject.empty().put("type", 2).put("custom_id", customId).put("label", "Not yet")))));
    DataObject press = DataObject.empty()
        .put("id", "900000000000000002").put("type", 3).put("channel_id", FakeDiscord.THREAD)
        .put("channel", DataObject.empty().put("id", FakeDiscord.THREAD).put("type", 11).put("parent_id", FakeDiscord.TEXT_CHANNEL))
        .put("member", DataObject.empty().put("user", FakeDiscord.user(FakeDiscord.USER_ID, "Ada", false)))
        .put("message", message).put("data", DataObject.empty().put("custom_id", customId).put("component_type", 2));

    WebhookResponse response = endpoint.handle(signed(press.toString(), NOW));

    DataObject body = DataObject.fromJson(response.body());
    assertEquals(7, body.getInt("type"), "UPDATE_MESSAGE");
    assertTrue(body.getObject("data").getString("content").contains("**Not yet** (chosen by Ada)"));
    QuestionAnswer answer = context.awaitAnswer("q-1", Duration.ofSeconds(1));
    assertEquals("later", answer.value());
    assertEquals(FakeDiscord.TEXT_CHANNEL, answer.platformId());
    assertEquals(FakeDiscord.THREAD, answer.threadId());
    assertEquals(new Sender(FakeDiscord.USER_ID, "Ada", false), answer.sender());
  }

  @Test
  void a_press_whose_answer_is_slow_to_store_is_acknowledged_in_time_and_the_message_updated_after() throws Exception {
    String customId = buttons.customId("q-2", "soup");
    DataObject message = FakeDiscord.message("900000000000000011", FakeDiscord.TEXT_CHANNEL, FakeDiscord.GUILD, FakeDiscord.botUser(), "Lunch?");
    message.put("components", DataArray.empty().add(DataObject.empty().put("type", 1).put("components",
        DataArray.empty().add(DataObject.empty().put("type", 2).put("custom_id", customId).put("label", "Soup")))));
    DataObject press = DataObject.empty()
        .put("id", "900000000000000012").put("type", 3).put("channel_id", FakeDiscord.TEXT_CHANNEL)
        .put("application_id", "app-1").put("token", "tok-1")
        .put("channel", DataObject.empty().put("id", FakeDiscord.TEXT_CHANNEL).put("type", 0))
        .put("member", DataObject.empty().put("user", FakeDiscord.user(FakeDiscord.USER_ID, "Ada", false)))
        .put("message", message).put("data", DataObject.empty().put("custom_id", customId).put("component_type", 2));
    scripted.holdAnswers();

    long started = System.nanoTime();
    WebhookResponse response = endpoint.handle(signed(press.toString(), NOW));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals(6, DataObject.fromJson(response.body()).getInt("type"), "DEFERRED_UPDATE_MESSAGE");
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "answered Discord after " + took);
    assertEquals(List.of(), followUps, "nothing follows while the answer is not stored");
    scripted.releaseAnswers();
    assertEquals("soup", context.awaitAnswer("q-2", Duration.ofSeconds(5)).value());
    assertTrue(followedUp.await(5, TimeUnit.SECONDS), "the question message is updated");
    assertTrue(followUps.getFirst().startsWith("edit app-1/tok-1: "), followUps.toString());
    assertTrue(followUps.getFirst().contains("**Soup** (chosen by Ada)"), followUps.toString());
  }

  @Test
  void long_question_ids_and_values_survive_a_restart_through_the_log() {
    String questionId = "q-" + "x".repeat(120);
    String customId = buttons.customId(questionId, "value\twith\nbreaks");

    assertTrue(customId.length() <= 100);
    assertEquals(
        new QuestionButtons.Choice(questionId, "value\twith\nbreaks"),
        new QuestionButtons(folder.resolve("questions.log")).choice(customId).orElseThrow());
  }

  @Test
  void the_channel_serves_the_endpoint_only_with_a_public_key() {
    String publicKey = HexFormat.of().formatHex(Arrays.copyOfRange(keys.getPublic().getEncoded(), 12, 44));
    Channel with = new DiscordChannelFactory().create(Settings.of("channels.discord", Map.of("token", "t", "publicKey", publicKey)), context);
    Channel without = new DiscordChannelFactory().create(Settings.of("channels.discord", Map.of("token", "t")), context);

    List<WebhookRoute> routes = with.webhookRoutes();
    assertEquals(1, routes.size());
    assertEquals("interactions", routes.getFirst().path());
    assertEquals(WebhookRoute.Method.POST, routes.getFirst().method());
    assertEquals(List.of(), without.webhookRoutes());
    with.close();
    without.close();
  }

  private WebhookRequest signed(String body, Instant time) throws Exception {
    String timestamp = Long.toString(time.getEpochSecond());
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update((timestamp + body).getBytes(UTF_8));
    return request(body, HexFormat.of().formatHex(signer.sign()), time);
  }

  private static WebhookRequest request(String body, String signature, Instant time) {
    return new WebhookRequest(
        "POST",
        "/webhooks/discord/interactions",
        Map.of(),
        Map.of(),
        Map.of(
            "X-Signature-Ed25519", List.of(signature),
            "X-Signature-Timestamp", List.of(Long.toString(time.getEpochSecond()))),
        body.getBytes(UTF_8),
        "127.0.0.1");
  }
}
