package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import java.net.ServerSocket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookCallbackTest {
  private static final String SECRET = "shh-signing-secret";
  private static final String ENTRY = "{\"id\":\"o-1\",\"text\":\"héllo\"}";
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private CallbackReceiver receiver;
  private WebhookCallback callback;

  @BeforeEach
  void start() throws Exception {
    receiver = new CallbackReceiver();
    callback = callback(receiver.url(), SECRET, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws InterruptedException {
    callback.close();
    receiver.close();
  }

  @Test
  void signed_callback_verifies_with_an_independent_hmac() throws GeneralSecurityException {
    DeliveryResult result = callback.post("o-1", ENTRY);

    assertEquals(new Delivered("o-1"), result);
    CallbackReceiver.Call call = receiver.calls.getFirst();
    assertEquals(ENTRY, call.body());
    assertEquals("application/json", call.headers().getFirst("Content-Type"));
    assertEquals("o-1", call.headers().getFirst("Idempotency-Key"));
    String timestamp = call.headers().getFirst("X-Switchboard-Timestamp");
    assertEquals(Long.toString(NOW.getEpochSecond()), timestamp);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(UTF_8), "HmacSHA256"));
    String expected =
        "v1=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + ENTRY).getBytes(UTF_8)));
    assertEquals(expected, call.headers().getFirst("X-Switchboard-Signature"));
  }

  @Test
  void unsigned_callback_carries_no_signature_headers() {
    callback.close();
    callback = callback(receiver.url(), null, Duration.ofSeconds(5));

    callback.post("o-1", ENTRY);

    assertFalse(receiver.calls.getFirst().headers().containsKey("X-Switchboard-Signature"));
    assertFalse(receiver.calls.getFirst().headers().containsKey("X-Switchboard-Timestamp"));
  }

  @ParameterizedTest(name = "{0} Retry-After={1} -> {2}")
  @CsvSource(
      nullValues = "none",
      value = {
        "200, none, Delivered, 0",
        "202, none, Delivered, 0",
        "204, none, Delivered, 0",
        "429, 7, RateLimited, 7",
        "429, none, RateLimited, 1",
        "429, soon, RateLimited, 1",
        "500, none, Transient, 0",
        "503, 30, Transient, 0",
        "400, none, Permanent, 0",
        "404, none, Permanent, 0",
        "410, none, Permanent, 0"
      })
  void callback_answers_are_classified(int status, String retryAfter, String kind, long seconds) {
    receiver.status = status;
    receiver.retryAfter = retryAfter;

    DeliveryResult result = callback.post("o-1", ENTRY);

    assertEquals(kind, result.getClass().getSimpleName());
    if (result instanceof RateLimited limited) {
      assertEquals(Duration.ofSeconds(seconds), limited.retryAfter());
    }
    if (result instanceof Permanent permanent) {
      assertTrue(permanent.reason().contains(Integer.toString(status)));
    }
  }

  @Test
  void failure_reasons_never_carry_the_secret_or_the_url() {
    for (int status : new int[] {400, 429, 500}) {
      receiver.status = status;
      String reason = ((DeliveryResult.Failure) callback.post("o-1", ENTRY)).reason();
      assertFalse(reason.contains(SECRET));
      assertFalse(reason.contains(receiver.url().toString()));
    }
  }

  @Test
  void slow_callback_times_out_as_transient() {
    receiver.hold = new CountDownLatch(1);
    callback.close();
    callback = callback(receiver.url(), SECRET, Duration.ofMillis(300));

    DeliveryResult result = callback.post("o-1", ENTRY);

    assertInstanceOf(Transient.class, result);
    assertTrue(((Transient) result).reason().contains("did not answer"));
  }

  @Test
  void refused_connection_is_transient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    callback.close();
    callback =
        callback(
            URI.create("http://127.0.0.1:" + closedPort + "/replies"),
            SECRET,
            Duration.ofSeconds(2));

    assertInstanceOf(Transient.class, callback.post("o-1", ENTRY));
  }

  @Test
  void retry_after_may_be_an_http_date() {
    Optional<String> inNinety = Optional.of("Wed, 01 May 2024 12:01:30 GMT");

    assertEquals(Duration.ofSeconds(90), WebhookCallback.retryAfter(inNinety, NOW));
    assertEquals(
        Duration.ZERO,
        WebhookCallback.retryAfter(Optional.of("Wed, 01 May 2024 11:00:00 GMT"), NOW));
    assertEquals(Duration.ofSeconds(1), WebhookCallback.retryAfter(Optional.empty(), NOW));
  }

  private static WebhookCallback callback(URI url, String secret, Duration timeout) {
    return new WebhookCallback(url, secret, timeout, Clock.fixed(NOW, ZoneOffset.UTC));
  }
}
