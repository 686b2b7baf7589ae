package dev.switchboard.delivery;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.RateLimit;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A channel that records every message it is asked to send and answers from a script per chat
 * (platform id); once a chat's script is used up it answers {@code Delivered("pm-<row id>")}.
 */
public final class ScriptedChannel implements Channel {

  /** One call of {@link #deliver}: the message and when it arrived. */
  public record Sent(OutboundMessage message, Instant at) {
    public long seq() {
      return message.seq();
    }
  }

  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<DeliveryResult>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Consumer<OutboundMessage>> hooks = new ConcurrentHashMap<>();
  private volatile RateLimit rateLimit = RateLimit.UNLIMITED;
  private volatile RateLimit groupRateLimit;
  private volatile RateLimit channelRateLimit = RateLimit.UNLIMITED;

  /** The next answers for messages to this chat, in order. */
  public ScriptedChannel script(String platformId, DeliveryResult... results) {
    Deque<DeliveryResult> queue = scripts.computeIfAbsent(platformId, k -> new ArrayDeque<>());
    synchronized (queue) {
      queue.addAll(List.of(results));
    }
    return this;
  }

  /** Runs before answering a message to this chat (e.g. to block it until told). */
  public ScriptedChannel beforeAnswer(String platformId, Consumer<OutboundMessage> hook) {
    hooks.put(platformId, hook);
    return this;
  }

  public ScriptedChannel rateLimit(RateLimit limit) {
    this.rateLimit = limit;
    return this;
  }

  /** The pace of a group chat; by default the same as {@link #rateLimit(RateLimit)}. */
  public ScriptedChannel groupRateLimit(RateLimit limit) {
    this.groupRateLimit = limit;
    return this;
  }

  public ScriptedChannel channelRateLimit(RateLimit limit) {
    this.channelRateLimit = limit;
    return this;
  }

  @Override
  public void start() {}

  @Override
  public java.util.Set<dev.switchboard.plugin.api.Capability> capabilities() {
    return capabilities;
  }

  /** Limits what the channel claims it can do (by default everything). */
  public void claim(dev.switchboard.plugin.api.Capability... claimed) {
    capabilities = java.util.Set.of(claimed);
  }

  private volatile java.util.Set<dev.switchboard.plugin.api.Capability> capabilities =
      java.util.EnumSet.allOf(dev.switchboard.plugin.api.Capability.class);

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    sent.add(new Sent(message, Instant.now()));
    Consumer<OutboundMessage> hook = hooks.get(message.platformId());
    if (hook != null) {
      hook.accept(message);
    }
    Deque<DeliveryResult> queue = scripts.get(message.platformId());
    if (queue != null) {
      synchronized (queue) {
        if (!queue.isEmpty()) {
          return queue.poll();
        }
      }
    }
    return new DeliveryResult.Delivered("pm-" + message.id());
  }

  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  public List<Sent> sentTo(String platformId) {
    return sent.stream().filter(s -> s.message().platformId().equals(platformId)).toList();
  }

  public List<Long> seqsTo(String platformId) {
    return sentTo(platformId).stream().map(Sent::seq).toList();
  }

  @Override
  public RateLimit rateLimit() {
    return rateLimit;
  }

  @Override
  public RateLimit groupRateLimit() {
    RateLimit group = groupRateLimit;
    return group == null ? rateLimit : group;
  }

  @Override
  public RateLimit channelRateLimit() {
    return channelRateLimit;
  }

  @Override
  public void close() {}
}
