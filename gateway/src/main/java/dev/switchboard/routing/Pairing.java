package dev.switchboard.routing;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.Ids;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.PairingCodes;
import dev.switchboard.store.Times;
import dev.switchboard.store.Wiring;
import dev.switchboard.store.Wirings;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pairing a chat with an agent group by a one-time code, for every channel: the operator makes a
 * code ({@code ./switchboard pair <channel> --group <folder>}), someone sends it in a chat (alone,
 * after {@code /pair} or {@code /start}, or after a mention of the bot, for platforms that only
 * show a bot the messages that mention it), and that chat is wired to the group with the sender as
 * its admin.
 *
 * <p>A message that is nothing but a code ({@link #MESSAGE}) is never passed to an agent, whether
 * the code pairs or not: a code that is unknown, used or expired is refused with a short reply (the
 * same for all three, so codes cannot be probed), and a redelivery of the very message that paired
 * (a webhook retry, a poll re-read after a crash) changes nothing and gets no reply.
 */
public final class Pairing {
  /** No 0/O, 1/I/L: codes are read off a screen and typed on a phone. */
  private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  private static final Pattern MESSAGE =
      Pattern.compile(
          "^(?:(?:<@[!&]?\\d+>|@\\S+)\\s+)?(?:/(?:pair|start)(?:@\\S+)?\\s+)?(SB-[" + ALPHABET + "]{6})$",
          Pattern.CASE_INSENSITIVE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CentralDb central;
  private final Clock clock;

  public Pairing(CentralDb central, Clock clock) {
    this.central = central;
    this.clock = clock;
  }

  /** Makes a code for a channel and an agent group, usable once within {@code ttl}. */
  public String newCode(String channelType, String agentGroupId, Duration ttl) {
    StringBuilder code = new StringBuilder("SB-");
    for (int i = 0; i < 6; i++) {
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    String now = Times.format(clock.instant());
    String expires = Times.format(clock.instant().plus(ttl));
    central.write(c -> {
      PairingCodes.insert(c, new PairingCodes.Code(code.toString(), channelType, agentGroupId, expires), now);
      return null;
    });
    return code.toString();
  }

  /** What became of a message that is a code. */
  sealed interface Result {
    /** The chat is now paired; {@code reply} tells the sender so. */
    record Paired(String reply) implements Result {}

    /** The message that paired came again; nothing changes and nothing is said. */
    record Redelivered() implements Result {}

    /** The code is unknown, used or expired; {@code reply} says so. */
    record Refused(String reply) implements Result {}
  }

  /**
   * When the message is a code: for a usable code of this channel wires the chat, makes the sender
   * its admin and marks the code used by this message. Empty for any other message.
   */
  Optional<Result> pair(String channelType, InboundEvent event) {
    Matcher m = MESSAGE.matcher(event.text().strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String code = m.group(1).toUpperCase(Locale.ROOT);
    String now = Times.format(clock.instant());
    return Optional.of(central.write(c -> {
      Optional<PairingCodes.Code> usable = PairingCodes.usable(c, code, channelType, now);
      if (usable.isEmpty()) {
        boolean redelivered =
            event.messageId() != null
                && PairingCodes.use(c, code, channelType)
                    .filter(use -> event.platformId().equals(use.platformId())
                        && event.messageId().equals(use.messageId()))
                    .isPresent();
        return redelivered
            ? new Result.Redelivered()
            : new Result.Refused("That pairing code is unknown, already used or expired. Make a new one with"
                + " ./switchboard pair " + channelType + " --group <folder>.");
      }
      Optional<MessagingGroup> existing = MessagingGroups.find(c, channelType, event.platformId());
      MessagingGroup chat =
          existing.orElseGet(() -> new MessagingGroup(Ids.newId("mg"), channelType, event.platformId(),
              event.chat() == null ? null : event.chat().name(),
              event.chat() != null && event.chat().group(), null, now));
      if (existing.isEmpty()) {
        MessagingGroups.insert(c, chat);
      }
      MessagingGroups.setAdmin(c, chat.id(), event.sender().id());
      String groupId = usable.get().agentGroupId();
      Wirings.upsert(c, new Wiring(Ids.newId("mga"), chat.id(), groupId, null, "all", "shared", 0, now));
      DestinationAcl.bumpRoutingVersion(c);
      PairingCodes.markUsed(c, code, event.sender().id(), event.platformId(), event.messageId(), now);
      String name = AgentGroups.byId(c, groupId).map(g -> g.name()).orElse(groupId);
      return new Result.Paired("Paired: this chat now talks to " + name + ", and you are its admin.");
    }));
  }
}
