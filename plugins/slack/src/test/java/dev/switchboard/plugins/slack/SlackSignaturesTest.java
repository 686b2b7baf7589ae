package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SlackSignaturesTest {
  private static final Instant NOW = Instant.ofEpochSecond(1_531_420_618);
  private final SlackSignatures signatures = new SlackSignatures("8f742231b10e8888abcd99yyyzzz85a5");

  @Test
  void matches_slacks_documented_example() {
    // The example from Slack's "Verifying requests from Slack" page.
    byte[] body =
        ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
                + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
                + "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447"
                + "fce8b6703c")
            .getBytes(UTF_8);

    assertEquals(
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        signatures.sign("1531420618", body));
  }

  @Test
  void a_non_ascii_body_is_hashed_as_its_utf_8_bytes() throws Exception {
    byte[] body = "{\"text\":\"Grüße, 世界 🎉\"}".getBytes(UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("8f742231b10e8888abcd99yyyzzz85a5".getBytes(UTF_8), "HmacSHA256"));
    mac.update("v0:1531420618:".getBytes(UTF_8));
    String expected = "v0=" + HexFormat.of().formatHex(mac.doFinal(body));

    assertEquals(expected, signatures.sign("1531420618", body));
    assertEquals(
        Optional.empty(),
        signatures.problem(Optional.of("1531420618"), Optional.of(expected), body, NOW));
  }

  @Test
  void a_timestamp_just_inside_the_window_passes_and_just_outside_fails() {
    byte[] body = "{}".getBytes(UTF_8);
    String inside = Long.toString(NOW.getEpochSecond() - 300);
    String outside = Long.toString(NOW.getEpochSecond() - 301);

    assertEquals(
        Optional.empty(),
        signatures.problem(Optional.of(inside), Optional.of(signatures.sign(inside, body)), body, NOW));
    assertTrue(
        signatures
            .problem(Optional.of(outside), Optional.of(signatures.sign(outside, body)), body, NOW)
            .isPresent());
  }

  @Test
  void a_non_numeric_timestamp_fails() {
    assertTrue(
        signatures
            .problem(Optional.of("yesterday"), Optional.of("v0=00"), new byte[0], NOW)
            .isPresent());
  }

  @Test
  void a_timestamp_whose_distance_from_now_overflows_is_refused() {
    byte[] body = "{}".getBytes(UTF_8);
    // now - timestamp is exactly Long.MIN_VALUE here, whose absolute value is negative.
    String wrapped = Long.toString(NOW.getEpochSecond() + Long.MIN_VALUE);

    for (String timestamp : new String[] {wrapped, Long.toString(Long.MIN_VALUE), Long.toString(Long.MAX_VALUE)}) {
      assertTrue(
          signatures
              .problem(Optional.of(timestamp), Optional.of(signatures.sign(timestamp, body)), body, NOW)
              .isPresent(),
          timestamp);
    }
  }
}
