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
 * its admin. The message with the code is never passed to an agent.
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

  /**
   * When the message is a usable code for this channel: wires the chat, makes the sender its
   * admin, and returns the reply to send. Empty for any other message (a wrong or used code is an
   * ordinary message, so codes cannot be probed).
   */
  Optional<String> pair(String channelType, InboundEvent event) {
    Matcher m = MESSAGE.matcher(event.text().strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String code = m.group(1).toUpperCase(Locale.ROOT);
    String now = Times.format(clock.instant());
    return central.write(
        c -> {
          Optional<PairingCodes.Code> usable = PairingCodes.usable(c, code, channelType, now);
          if (usable.isEmpty()) {
            return Optional.<String>empty();
          }
          MessagingGroup chat =
              MessagingGroups.find(c, channelType, event.platformId())
                  .orElseGet(() -> new MessagingGroup(Ids.newId("mg"), channelType, event.platformId(),
                      event.chat() == null ? null : event.chat().name(),
                      event.chat() != null && event.chat().group(), null, now));
          if (MessagingGroups.find(c, channelType, event.platformId()).isEmpty()) {
            MessagingGroups.insert(c, chat);
          }
          MessagingGroups.setAdmin(c, chat.id(), event.sender().id());
          String groupId = usable.get().agentGroupId();
          Wirings.upsert(c, new Wiring(Ids.newId("mga"), chat.id(), groupId, null, "all", "shared", 0, now));
          DestinationAcl.bumpRoutingVersion(c);
          PairingCodes.use(c, code, event.sender().id(), event.platformId(), now);
          String name = AgentGroups.byId(c, groupId).map(g -> g.name()).orElse(groupId);
          return Optional.of("Paired: this chat now talks to " + name + ", and you are its admin.");
        });
  }
}
