package dev.switchboard.faults.platforms;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discord's interactions endpoint served by the real gateway process over HTTP: the Discord plugin
 * from its jar, with the application's public key set, connected to a loopback Discord. Discord
 * checks an endpoint before it takes it: a signed PING must be answered with PONG, and a request
 * with a bad signature refused with 401.
 */
class DiscordInteractionsEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  void a_signed_ping_is_answered_with_pong_and_a_bad_signature_with_401_over_http() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] encoded = keys.getPublic().getEncoded();
    String publicKey = HexFormat.of().formatHex(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    try (FakeDiscord discord = new FakeDiscord(new Bursts("unused"))) {
      GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config(discord, publicKey));
      gateway.start();
      HttpClient http = HttpClient.newHttpClient();
      String timestamp = Long.toString(Instant.now().getEpochSecond());
      String ping = "{\"type\":1,\"id\":\"100000000000000777\",\"application_id\":\"100000000000000001\"}";

      HttpResponse<String> pong = http.send(post(gateway, ping, sign(keys, timestamp, ping), timestamp), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> forged =
          http.send(post(gateway, ping, sign(keys, timestamp, ping.replace("777", "778")), timestamp), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> unsigned = http.send(
          HttpRequest.newBuilder(gateway.uri("/webhooks/discord/interactions"))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ping)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertEquals(200, pong.statusCode(), pong.body());
      assertTrue(pong.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), pong.headers().toString());
      assertEquals(1, JSON.readTree(pong.body()).path("type").asInt(), "PONG: " + pong.body());
      assertEquals(401, forged.statusCode(), forged.body());
      assertEquals(401, unsigned.statusCode(), unsigned.body());
      assertEquals(java.util.List.of(), discord.problems());
    }
  }

  private static HttpRequest post(GatewayProcess gateway, String body, String signature, String timestamp) {
    return HttpRequest.newBuilder(gateway.uri("/webhooks/discord/interactions"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-Signature-Ed25519", signature)
        .header("X-Signature-Timestamp", timestamp)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String sign(KeyPair keys, String timestamp, String body) throws Exception {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update((timestamp + body).getBytes(UTF_8));
    return HexFormat.of().formatHex(signer.sign());
  }

  private static String config(FakeDiscord discord, String publicKey) {
    String section = (discord.channelConfig(Duration.ofSeconds(5)) + "  publicKey: \"" + publicKey + "\"\n").indent(2);
    return """
        dataDir: data
        pluginsDir: plugins
        http:
          host: 127.0.0.1
          port: 8080
        channels:
        %sagentGroups:
          - folder: main
            name: Main
            provider: echo
        wirings:
          - channel: discord
            chat: "*"
            agentGroup: main
        """.formatted(section);
  }
}
