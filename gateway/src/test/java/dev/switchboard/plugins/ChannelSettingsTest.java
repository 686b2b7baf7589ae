package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A channel's settings are its own section of the config file; its secrets stay out of logs. */
class ChannelSettingsTest {
  private static final String YAML =
      """
      channels:
        alpha:
          token: alpha-t0ken-value
          apiUrl: https://bot:pa55word@alpha.example/api
          greeting: hello
          limits: {burst: 5}
        beta:
          signingSecret: beta-s1gning-value
          mode: polling
      """;

  @TempDir Path dir;

  @Test
  void each_channel_gets_its_own_section_and_its_secrets_never_reach_the_log() {
    Map<String, String> environment = Map.of("SWITCHBOARD_DATA_DIR", dir.toString());
    GatewayConfig config = new ConfigLoader(environment).parse(YAML, "test.yaml");
    Map<String, Settings> received = new ConcurrentHashMap<>();
    ChannelHost host =
        new ChannelHost(
            config.channels(),
            environment,
            dir,
            (type, event) -> new InboundOutcome.Duplicate("unused"));

    String log =
        capturingStandardError(
            () -> host.create(List.of(recorder("alpha", received), recorder("beta", received))));

    assertEquals(
        new Settings(
            "channels.alpha",
            Map.of(
                "token", "alpha-t0ken-value",
                "apiUrl", "https://bot:pa55word@alpha.example/api",
                "greeting", "hello",
                "limits.burst", "5"),
            environment),
        received.get("alpha"));
    assertEquals(
        new Settings(
            "channels.beta",
            Map.of("signingSecret", "beta-s1gning-value", "mode", "polling"),
            environment),
        received.get("beta"));
    assertTrue(
        log.contains(
            "channel alpha created with settings {apiUrl=https://****@alpha.example/api,"
                + " greeting=hello, limits.burst=5, token=****}"),
        log);
    assertTrue(
        log.contains("channel beta created with settings {mode=polling, signingSecret=****}"), log);
    for (String secret : List.of("alpha-t0ken-value", "pa55word", "beta-s1gning-value")) {
      assertFalse(log.contains(secret), "the log shows " + secret + ":\n" + log);
    }
    host.close();
  }

  /** A factory that keeps the settings it is given, by channel type. */
  private static ChannelFactory recorder(String type, Map<String, Settings> received) {
    return new ChannelFactory() {
      @Override
      public String channelType() {
        return type;
      }

      @Override
      public Channel create(Settings settings, ChannelContext context) {
        received.put(type, settings);
        return new Channel() {
          @Override
          public void start() {}

          @Override
          public DeliveryResult deliver(OutboundMessage message) {
            return new DeliveryResult.Delivered(null);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  // SLF4J's simple logger writes to whatever System.err is at the time of each call.
  private static String capturingStandardError(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    original.print(log);
    return log;
  }
}
