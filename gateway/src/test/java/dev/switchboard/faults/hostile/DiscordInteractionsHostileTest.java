package dev.switchboard.faults.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.faults.FaultReport;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Discord's interactions endpoint ({@code POST /webhooks/discord/interactions}), called through
 * the route of the real Discord plugin (loaded from its jar, made by its factory) with a key pair
 * of the test's: a Discord channel in a gateway would need a stand-in of Discord's WebSocket
 * gateway to start, and the route is served the same either way. Every hostile request gets a 4xx
 * and submits nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscordInteractionsHostileTest {
  @TempDir static Path folder;
  private PluginChannels plugins;
  private PluginChannels.RecordingContext context;
  private WebhookRoute route;
  private KeyPair keys;
  private final Map<Integer, Integer> statuses = new TreeMap<>();

  record Hostile(String name, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  void make_the_channel() throws Exception {
    keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] encoded = keys.getPublic().getEncoded();
    String publicKey = HexFormat.of().formatHex(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    plugins = new PluginChannels(folder);
    context = plugins.context("discord");
    Channel channel =
        plugins.create("discord", Map.of("token", "hostile.test.token", "publicKey", publicKey), context);
    route = PluginChannels.route(channel, "interactions");
  }

  Stream<Hostile> hostile() throws Exception {
    long now = Instant.now().getEpochSecond();
    byte[] ping = "{\"type\":1}".getBytes(UTF_8);
    byte[] press =
        ("{\"type\":3,\"id\":\"1\",\"channel_id\":\"../../x\",\"data\":{\"custom_id\":\"q:../../etc\"},"
                + "\"user\":{\"id\":\"u\"}}")
            .getBytes(UTF_8);
    List<Hostile> list = new ArrayList<>();
    list.add(new Hostile("no signature", Map.of("X-Signature-Timestamp", Long.toString(now)), ping));
    list.add(new Hostile("no timestamp", Map.of("X-Signature-Ed25519", sign(Long.toString(now), ping)), ping));
    list.add(new Hostile("signature not hex", headers("zz".repeat(64), Long.toString(now)), ping));
    list.add(new Hostile("signature too short", headers("00", Long.toString(now)), ping));
    list.add(new Hostile("forged signature", headers("00".repeat(64), Long.toString(now)), ping));
    list.add(new Hostile("signature of another body", headers(sign(Long.toString(now), press), Long.toString(now)), ping));
    list.add(new Hostile("signature by another key", headers(otherKeySignature(Long.toString(now), ping), Long.toString(now)), ping));
    list.add(signed("replayed, 10 minutes old", Long.toString(now - 600), ping));
    list.add(signed("timestamp 10 minutes ahead", Long.toString(now + 600), ping));
    list.add(signed("timestamp not a number", "now", ping));
    list.add(signed("timestamp past Instant's range", "99999999999999999", ping));
    list.add(signed("timestamp Long.MIN_VALUE", Long.toString(Long.MIN_VALUE), ping));
    list.add(signed("signed, not JSON", Long.toString(now), "ping".getBytes(UTF_8)));
    list.add(signed("signed, empty body", Long.toString(now), new byte[0]));
    list.add(signed("signed, JSON array", Long.toString(now), "[1]".getBytes(UTF_8)));
    list.add(signed("signed, nested 100000 deep", Long.toString(now), HostileRequests.nestedObjects(100_000)));
    list.add(signed("signed, invalid UTF-8", Long.toString(now), new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
    list.add(new Hostile("unsigned button press with path tricks", Map.of(), press));
    return list.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void a_hostile_interaction_is_refused_with_a_4xx(Hostile request) {
    WebhookResponse response =
        route.handler().handle(PluginChannels.post("/webhooks/discord/interactions", request.headers(), request.body()));

    synchronized (statuses) {
      statuses.merge(response.status(), 1, Integer::sum);
    }
    assertTrue(
        response.status() >= 400 && response.status() < 500,
        request.name() + " was answered " + PluginChannels.text(response));
    assertEquals(List.of(), context.answers, "nothing submitted");
    assertEquals(List.of(), context.events, "nothing submitted");
  }

  @AfterAll
  void record_and_close() {
    int sent = statuses.values().stream().mapToInt(Integer::intValue).sum();
    if (sent > 0) {
      StringBuilder codes = new StringBuilder();
      statuses.forEach((status, count) -> codes.append(codes.isEmpty() ? "" : ", ").append(count).append("× ").append(status));
      FaultReport.record(
          new FaultReport.Row(
              "hostile input (Discord interactions route, plugin in-process)",
              sent,
              sent + " kinds of forged, replayed, malformed and nested requests",
              0,
              0,
              Duration.ZERO,
              "answers " + codes + "; nothing submitted"));
    }
    if (plugins != null) {
      plugins.close();
    }
  }

  private Hostile signed(String name, String timestamp, byte[] body) throws Exception {
    return new Hostile(name, headers(sign(timestamp, body), timestamp), body);
  }

  private static Map<String, String> headers(String signature, String timestamp) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Signature-Ed25519", signature);
    headers.put("X-Signature-Timestamp", timestamp);
    return headers;
  }

  private String sign(String timestamp, byte[] body) throws Exception {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(timestamp.getBytes(UTF_8));
    signer.update(body);
    return HexFormat.of().formatHex(signer.sign());
  }

  private static String otherKeySignature(String timestamp, byte[] body) throws Exception {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    signer.update(timestamp.getBytes(UTF_8));
    signer.update(body);
    return HexFormat.of().formatHex(signer.sign());
  }
}
