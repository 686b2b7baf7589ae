package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.GatewayProcess;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugins.PluginHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Telegram channel's default paces, taken from its plugin jar, through the delivery part's
 * limiter on a simulated clock: a bot that always has something to send to 30 private chats and 5
 * groups keeps Telegram's published limits in every window — at most one message in any second to
 * a private chat, twenty in any minute to a group, thirty in any second in all — from the first
 * second on, and still sends close to thirty a second.
 */
class TelegramRateLimitsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private static final int PRIVATE_CHATS = 30;
  private static final int GROUPS = 5;
  private static final Duration RUN = Duration.ofMinutes(2);

  @TempDir Path dir;

  @Test
  void the_default_paces_keep_telegrams_limits_in_every_window_from_the_first_second() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path jar = GatewayProcess.repoRoot().resolve("plugins/telegram.jar");
    assertTrue(Files.exists(jar), jar + " is built by the plugins module before this test");
    Files.copy(jar, plugins.resolve("telegram.jar"));
    RateLimit direct;
    RateLimit group;
    RateLimit channel;
    try (PluginHost host = new PluginHost(plugins)) {
      host.load();
      ChannelFactory factory =
          host.channelFactories().stream().filter(f -> f.channelType().equals("telegram")).findFirst().orElseThrow();
      Channel telegram =
          factory.create(Settings.of("channels.telegram", Map.of("token", "123:abc")), context(dir.resolve("data")));
      direct = telegram.rateLimit();
      group = telegram.groupRateLimit();
      channel = telegram.channelRateLimit();
      telegram.close();
    }

    Paces paces = new Paces(direct, group, channel);

    List<List<Long>> busy = simulate(paces, PRIVATE_CHATS, GROUPS);
    List<Long> all = new ArrayList<>();
    for (int chat = 0; chat < busy.size(); chat++) {
      List<Long> times = busy.get(chat);
      all.addAll(times);
      assertEquals(1, mostInAnyWindow(times, 1000), "chat " + chat + " never gets two in a second: " + times);
      if (chat >= PRIVATE_CHATS) {
        assertTrue(mostInAnyWindow(times, 60_000) <= 20, "group " + chat + ": " + times);
      }
    }
    all.sort(null);
    assertEquals(30, mostInAnyWindow(all, 1000), "the bot in all");
    assertTrue(all.size() >= 29 * RUN.toSeconds(), "close to thirty a second: " + all.size() + " in " + RUN);

    // Alone, a private chat and a group get all their limits allow, and no more, from the start.
    List<List<Long>> alone = simulate(paces, 1, 1);
    assertEquals(List.of(0L, 1000L, 2000L), alone.get(0).subList(0, 3), "one a second to a private chat");
    assertEquals(20, alone.get(1).stream().filter(ms -> ms < 60_000).count(), "twenty in a group's first minute");
    assertEquals(20, mostInAnyWindow(alone.get(1), 60_000), "and in any minute");
  }

  private record Paces(RateLimit direct, RateLimit group, RateLimit channel) {}

  /**
   * Chats that always have a message waiting try to send every simulated millisecond, taking turns
   * so that none is shut out; returns when each one sent, in milliseconds from the start.
   */
  private static List<List<Long>> simulate(Paces paces, int privateChats, int groups) {
    RateLimiter limiter = new RateLimiter();
    List<List<Long>> sent = new ArrayList<>();
    for (int i = 0; i < privateChats + groups; i++) {
      sent.add(new ArrayList<>());
    }
    int next = 0;
    for (long ms = 0; ms < RUN.toMillis(); ms++) {
      Instant now = T0.plusMillis(ms);
      for (int k = 0; k < sent.size(); k++) {
        int chat = (next + k) % sent.size();
        RateLimit limit = chat < privateChats ? paces.direct() : paces.group();
        if (limiter.acquire("telegram|" + chat, limit, "telegram", paces.channel(), now).isZero()) {
          sent.get(chat).add(ms);
          next = chat + 1;
        }
      }
    }
    return sent;
  }

  /** The most sends in any window of {@code windowMillis} (sorted times). */
  private static int mostInAnyWindow(List<Long> times, long windowMillis) {
    int most = 0;
    int first = 0;
    for (int last = 0; last < times.size(); last++) {
      while (times.get(last) - times.get(first) >= windowMillis) {
        first++;
      }
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  private static ChannelContext context(Path dataDir) {
    return new ChannelContext() {
      @Override
      public InboundOutcome submit(InboundEvent event) {
        throw new UnsupportedOperationException("the channel is never started");
      }

      @Override
      public Path dataDir() {
        return dataDir;
      }
    };
  }
}
