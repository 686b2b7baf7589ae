package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.utils.TimeUtil;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discord's HTTP interactions endpoint ({@code POST /webhooks/discord/interactions}), served when
 * the application's public key is set. Discord signs each request with Ed25519 over the timestamp
 * header followed by the raw body; a request whose signature does not verify, or whose timestamp is
 * more than five minutes off, is refused with 401 (Discord itself sends such requests to check that
 * the endpoint refuses them). PING is answered with PONG; a pressed question button is stored and
 * answered with the message updated to show the choice (or, when storing it takes long,
 * acknowledged at once and the message updated once it is stored).
 */
final class DiscordInteractions {
  private static final Logger log = LoggerFactory.getLogger(DiscordInteractions.class);
  // The DER prefix that makes a raw 32-byte Ed25519 key an X.509 SubjectPublicKeyInfo.
  private static final String X509_ED25519_PREFIX = "302a300506032b6570032100";
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);
  private static final int PING = 1;
  private static final int MESSAGE_COMPONENT = 3;
  private static final int EPHEMERAL = 64;

  private final PublicKey key;
  private final QuestionPresses presses;
  private final InteractionFollowUps followUps;
  private final Clock clock;
  // Stores answers off the HTTP handler's thread, so that a slow store cannot hold Discord's answer.
  private final ExecutorService storing =
      Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("discord-http-press-", 0).factory());

  DiscordInteractions(
      String publicKeyHex, QuestionPresses presses, InteractionFollowUps followUps, Clock clock) {
    this.key = publicKey(publicKeyHex);
    this.presses = requireNonNull(presses, "presses is null");
    this.followUps = requireNonNull(followUps, "followUps is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Stops taking presses; an answer being stored finishes on its own. */
  void close() {
    storing.shutdown();
  }

  static PublicKey publicKey(String hex) {
    try {
      byte[] der = HexFormat.of().parseHex(X509_ED25519_PREFIX + hex);
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  WebhookResponse handle(WebhookRequest request) {
    Optional<String> signature = request.header("X-Signature-Ed25519");
    Optional<String> timestamp = request.header("X-Signature-Timestamp");
    if (signature.isEmpty() || timestamp.isEmpty() || !verifies(signature.get(), timestamp.get(), request.body())) {
      return WebhookResponse.text(401, "invalid request signature");
    }
    if (!fresh(timestamp.get())) {
      return WebhookResponse.text(401, "stale request timestamp");
    }
    DataObject interaction;
    try {
      interaction = DataObject.fromJson(request.body());
    } catch (RuntimeException e) {
      return WebhookResponse.text(400, "the body is not a JSON object");
    }
    return switch (interaction.getInt("type", 0)) {
      case PING -> json(DataObject.empty().put("type", 1));
      case MESSAGE_COMPONENT -> component(interaction);
      default -> json(message(4, "This bot takes no commands; write to it in the chat.", true));
    };
  }

  private WebhookResponse component(DataObject interaction) {
    DataObject data = interaction.optObject("data").orElse(DataObject.empty());
    String customId = data.getString("custom_id", "");
    DataObject message = interaction.optObject("message").orElse(DataObject.empty());
    DataObject channel = interaction.optObject("channel").orElse(DataObject.empty());
    int channelType = channel.getInt("type", 0);
    boolean thread = channelType == 10 || channelType == 11 || channelType == 12;
    DataObject user =
        interaction.optObject("member").flatMap(m -> m.optObject("user"))
            .or(() -> interaction.optObject("user"))
            .orElse(DataObject.empty());
    String interactionId = interaction.getString("id", "0");
    QuestionPresses.Press press =
        new QuestionPresses.Press(
            interaction.getString("channel_id", channel.getString("id", "")),
            thread ? channel.getString("parent_id", null) : null,
            customId,
            label(message, customId),
            message.getString("content", ""),
            new Sender(
                user.getString("id", "unknown"),
                user.getString("global_name", user.getString("username", null)),
                user.getBoolean("bot", false)),
            interactionId,
            timeOf(interactionId));
    // Discord waits 3 s for the answer. The press is stored within GatewayPresses' budget and
    // answered with its outcome; past the budget it is acknowledged unchanged (type 6) and the
    // outcome follows through the interaction's webhook once stored.
    Future<Optional<QuestionPresses.Reply>> stored;
    try {
      stored = storing.submit(() -> presses.press(press));
    } catch (RejectedExecutionException e) {
      return WebhookResponse.text(503, "the channel is closing; press again");
    }
    try {
      return answer(stored.get(GatewayPresses.ACKNOWLEDGE_WITHIN.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      log.info("Storing the answer of a button press takes long; acknowledged it first");
      String application = interaction.getString("application_id", "");
      String token = interaction.getString("token", "");
      storing.execute(() -> followUp(stored, application, token));
      return json(DataObject.empty().put("type", 6));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StoreUnavailableException unavailable) {
        log.warn("Could not store the answer of a button press: {}", unavailable.getMessage());
        return WebhookResponse.text(503, "the answer could not be stored; press again");
      }
      log.warn("A button press failed", e.getCause());
      return WebhookResponse.text(500, "the press could not be handled");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WebhookResponse.text(503, "the channel is closing; press again");
    }
  }

  private static WebhookResponse answer(Optional<QuestionPresses.Reply> reply) {
    return reply
        .map(
            r ->
                switch (r) {
                  case QuestionPresses.Reply.Update update ->
                      json(
                          DataObject.empty()
                              .put("type", 7)
                              .put(
                                  "data",
                                  DataObject.empty()
                                      .put("content", update.text())
                                      .put("components", DataArray.empty())));
                  case QuestionPresses.Reply.Refuse refuse -> json(message(4, refuse.text(), true));
                })
        // Not a question's button: acknowledge without changing anything.
        .orElseGet(() -> json(DataObject.empty().put("type", 6)));
  }

  /** After an acknowledgement without a change: the outcome of the press, once it is stored. */
  private void followUp(Future<Optional<QuestionPresses.Reply>> stored, String application, String token) {
    try {
      Optional<QuestionPresses.Reply> reply;
      try {
        reply = stored.get();
      } catch (ExecutionException e) {
        log.warn("Could not store the answer of an acknowledged button press: {}", e.getCause().getMessage());
        followUps.tellOnly(application, token, "Your answer could not be saved. Please press the button again.");
        return;
      }
      if (reply.isPresent()) {
        switch (reply.get()) {
          case QuestionPresses.Reply.Update update -> followUps.editOriginal(application, token, update.text());
          case QuestionPresses.Reply.Refuse refuse -> followUps.tellOnly(application, token, refuse.text());
        }
      }
    } catch (IOException e) {
      log.warn("Could not follow up on a button press: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String label(DataObject message, String customId) {
    DataArray rows = message.optArray("components").orElse(DataArray.empty());
    for (int i = 0; i < rows.length(); i++) {
      DataArray row = rows.getObject(i).optArray("components").orElse(DataArray.empty());
      for (int j = 0; j < row.length(); j++) {
        DataObject button = row.getObject(j);
        if (customId.equals(button.getString("custom_id", null))) {
          return button.getString("label", customId);
        }
      }
    }
    return customId;
  }

  private static DataObject message(int type, String content, boolean ephemeral) {
    DataObject data = DataObject.empty().put("content", content);
    if (ephemeral) {
      data.put("flags", EPHEMERAL);
    }
    return DataObject.empty().put("type", type).put("data", data);
  }

  private static WebhookResponse json(DataObject body) {
    return WebhookResponse.json(200, body.toString());
  }

  private boolean verifies(String signatureHex, String timestamp, byte[] body) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(timestamp.getBytes(StandardCharsets.UTF_8));
      verifier.update(body);
      return verifier.verify(HexFormat.of().parseHex(signatureHex));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private boolean fresh(String timestamp) {
    long sent;
    try {
      sent = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    // Compared as numbers: a timestamp outside Instant's range, or far enough away for a
    // difference to overflow, is simply not fresh (an Instant would throw, answering 500).
    long now = clock.instant().getEpochSecond();
    return sent >= now - MAX_SKEW.toSeconds() && sent <= now + MAX_SKEW.toSeconds();
  }

  private static Instant timeOf(String snowflake) {
    try {
      return TimeUtil.getTimeCreated(Long.parseUnsignedLong(snowflake)).toInstant();
    } catch (NumberFormatException e) {
      return Instant.EPOCH;
    }
  }
}
