package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A fake Bot API, a fake gateway and the channels made over them, for one test. */
final class Harness implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final FakeBotApi api;
  final FakeChannelContext context;
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger outboundIds = new AtomicInteger();

  private Harness(FakeBotApi api, Path folder) {
    this.api = api;
    this.context = new FakeChannelContext(folder.resolve("channel"));
  }

  static Harness polling(Path folder) throws Exception {
    return new Harness(FakeBotApi.polling(), folder);
  }

  static Harness webhook(Path folder) throws Exception {
    return new Harness(FakeBotApi.webhook(), folder);
  }

  /** A channel over the fake with these settings on top of the fake's own, not started. */
  Channel channel(Map<String, String> overrides, ChannelContext over) {
    Map<String, String> values = new HashMap<>(api.settings());
    values.putAll(overrides);
    Channel channel =
        new TelegramChannelFactory().create(Settings.of("channels.telegram", values), over);
    channels.add(channel);
    api.channelCreated(channel);
    return channel;
  }

  Channel started(Map<String, String> overrides) throws Exception {
    Channel channel = channel(overrides, context);
    channel.start();
    return channel;
  }

  Channel started() throws Exception {
    return started(Map.of());
  }

  DeliveryResult deliver(Channel channel, String chat, String thread, OutboundContent content, String replyTo) {
    int n = outboundIds.incrementAndGet();
    return channel.deliver(new OutboundMessage("out-" + n, 2L * n + 1, chat, thread, replyTo, content, 1));
  }

  DeliveryResult deliver(Channel channel, OutboundMessage message) {
    return channel.deliver(message);
  }

  /** Waits until {@code condition} holds, checking it every few milliseconds; fails at the deadline. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + TIMEOUT + " waiting until " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  @Override
  public void close() {
    channels.forEach(Channel::close);
    api.close();
  }
}
