package dev.switchboard.plugins.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.plugin.api.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookTokenTest {
  @TempDir Path dataDir;

  @Test
  void generated_token_is_stored_reused_and_never_logged() throws IOException {
    Path file = dataDir.resolve("token");
    String log;
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      startAndClose();
      startAndClose();
    } finally {
      System.setErr(original);
      log = captured.toString(StandardCharsets.UTF_8);
    }

    String token = Files.readString(file);
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "32 random bytes in URL-safe base64");
    assertFalse(log.contains(token), "the token must never be logged");
    assertEquals(1, log.lines().filter(line -> line.contains("Generated")).count());
    assertTrue(log.contains(file.toAbsolutePath().toString()), "the log says where the token is");
    WebhookToken reused = WebhookToken.resolve(null, file);
    assertTrue(reused.matches(Optional.of("Bearer " + token)));
    assertFalse(reused.toString().contains(token));
  }

  @Test
  void generated_token_file_is_readable_by_its_owner_only() throws IOException {
    assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
    Path file = dataDir.resolve("token");

    WebhookToken.resolve(null, file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void configured_token_wins_and_the_environment_is_the_fallback() throws IOException {
    Settings fromEnvironment =
        new Settings(
            "channels.webhook", Map.of(), Map.of("SWITCHBOARD_WEBHOOK_TOKEN", "from-env-token"));
    Settings both =
        new Settings(
            "channels.webhook",
            Map.of("token", "from-file-token"),
            Map.of("SWITCHBOARD_WEBHOOK_TOKEN", "from-env-token"));

    assertEquals("from-env-token", WebhookSettings.from(fromEnvironment).token());
    assertEquals("from-file-token", WebhookSettings.from(both).token());
    WebhookToken.resolve("from-file-token", dataDir.resolve("token"));
    assertFalse(Files.exists(dataDir.resolve("token")), "nothing is generated when a token is set");
  }

  @Test
  void token_must_match_exactly() {
    WebhookToken token = WebhookToken.of("abc123");

    assertTrue(token.matches(Optional.of("Bearer abc123")));
    assertTrue(token.matches(Optional.of("  BEARER   abc123 ")));
    assertFalse(token.matches(Optional.of("Bearer abc1234")));
    assertFalse(token.matches(Optional.of("Bearer abc12")));
    assertFalse(token.matches(Optional.of("Bearer ")));
    assertFalse(token.matches(Optional.empty()));
  }

  private void startAndClose() throws IOException {
    Settings settings = Settings.of("channels.webhook", Map.of());
    var channel = new WebhookChannelFactory().create(settings, new FakeChannelContext(dataDir));
    try {
      channel.start();
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      channel.close();
    }
  }
}
