package com.example.linechat;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.TextChunks;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chats on a linechat server, a line-based chat service over TCP ({@link LineChatFormat}). Every
 * connection starts with {@code HELLO token}, answered {@code OK}.
 *
 * <ul>
 *   <li>In: one connection sends {@code LISTEN}; the server then writes {@code MSG} lines ({@link
 *       LineChatInbound}) and the bot answers {@code ACK id} once the gateway stored the message.
 *       The server sends unacknowledged messages again when the bot reconnects.
 *   <li>Out: {@code SEND key chat thread text} is answered {@code SENT id} or {@code ERR status
 *       retryAfterSeconds reason}. The server answers a repeated key with the id it gave before,
 *       so a retried delivery is not doubled.
 * </ul>
 */
final class LineChatChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(LineChatChannel.class);
  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private final LineChatSettings settings;
  private final ChannelContext context;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile LineChatConnection listening;
  private volatile String problem;
  private Thread listener;

  LineChatChannel(LineChatSettings settings, ChannelContext context) {
    this.settings = settings;
    this.context = context;
  }

  /** Connects once here, so that a wrong address or token fails the start. */
  @Override
  public void start() throws IOException {
    LineChatConnection first = LineChatConnection.open(settings);
    listener = Thread.ofPlatform().name("linechat-listener").start(() -> listen(first));
    log.info("linechat channel started with {}", settings);
  }

  private void listen(LineChatConnection first) {
    for (LineChatConnection connection = first; connection != null; connection = reconnect()) {
      listening = connection;
      // close() counts down, then closes the connection in `listening`: checked after setting it,
      // one of the two sides always sees the other.
      if (closed.getCount() == 0) {
        connection.close();
        return;
      }
      listenOn(connection);
    }
  }

  private void listenOn(LineChatConnection connection) {
    try (connection) {
      connection.write("LISTEN");
      connection.waitIndefinitely();
      problem = null;
      for (List<String> fields; (fields = connection.read()) != null; ) {
        take(connection, fields);
      }
      problem = "the server closed the connection; reconnecting";
    } catch (IOException | StoreUnavailableException e) {
      problem = "reconnecting after " + e.getClass().getSimpleName();
    }
  }

  /** Stores one message, then acknowledges it: never the other way round. */
  private void take(LineChatConnection connection, List<String> fields) throws IOException {
    InboundEvent event;
    try {
      event = LineChatInbound.event(fields, Instant.now());
    } catch (IllegalArgumentException e) {
      log.warn("linechat: ignored a line the channel cannot read: {}", e.getMessage());
      return;
    }
    context.submit(event);
    connection.write("ACK", event.messageId());
  }

  /** A new listening connection, or null once the channel is closed. */
  private LineChatConnection reconnect() {
    try {
      while (!closed.await(RECONNECT_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
        try {
          return LineChatConnection.open(settings);
        } catch (IOException e) {
          problem = "cannot reach the server (" + e.getClass().getSimpleName() + "); retrying";
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    return switch (message.content()) {
      case OutboundContent.Text text when text.files().isEmpty() -> send(message, text.text());
      case OutboundContent.Text text -> new Permanent("linechat cannot send files");
      case OutboundContent.Edit edit -> new Permanent("linechat cannot edit messages");
      case OutboundContent.Reaction reaction -> new Permanent("linechat has no reactions");
      case OutboundContent.Question question -> new Permanent("linechat has no buttons");
    };
  }

  private DeliveryResult send(OutboundMessage message, String text) {
    List<String> parts = TextChunks.split(text, LineChatFormat.MAX_TEXT_LENGTH);
    try (LineChatConnection connection = LineChatConnection.open(settings)) {
      String first = null;
      for (int i = 0; i < parts.size(); i++) {
        String key = message.id() + "/" + i;
        connection.write("SEND", key, message.platformId(), message.threadId(), parts.get(i));
        String id = connection.expect("SENT").get(1);
        first = first == null ? id : first;
      }
      return new Delivered(first);
    } catch (LineChatConnection.Refused refused) {
      return classify(refused);
    } catch (IOException e) {
      String problem = e.getClass().getSimpleName();
      return new Transient("the server could not be reached (" + problem + ")");
    }
  }

  /** 429 waits as long as the server asks; 5xx may work later; anything else never will. */
  static DeliveryResult classify(LineChatConnection.Refused refused) {
    if (refused.status == 429) {
      return new RateLimited(refused.retryAfter, refused.getMessage());
    }
    if (refused.status >= 500) {
      return new Transient(refused.getMessage());
    }
    return new Permanent(refused.getMessage());
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.TEXT, Capability.THREADS);
  }

  @Override
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public void close() {
    closed.countDown();
    LineChatConnection connection = listening;
    if (connection != null) {
      connection.close();
    }
    if (listener != null) {
      try {
        listener.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
