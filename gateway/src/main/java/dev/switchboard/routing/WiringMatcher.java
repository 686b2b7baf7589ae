package dev.switchboard.routing;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.store.Wiring;

/**
 * Decides whether one wiring takes one message. Pure: no I/O, so it is tested table-style.
 *
 * <p>The sender must pass first: never in {@code excludeSenders}; and when {@code includeSenders}
 * is set or the scope is {@code allowlisted}, in {@code includeSenders} or the chat's admin. Then
 * the trigger: a {@code pattern} must find a match in the text; without one, {@code mentionOnly},
 * {@code requiresTrigger} or scope {@code triggered} need the message to address the bot (mention,
 * direct message, reply to the bot); otherwise every message engages.
 */
public final class WiringMatcher {
  private WiringMatcher() {}

  public static Engagement decide(
      Wiring wiring, TriggerRules rules, String adminUserId, InboundEvent event) {
    String sender = event.sender().id();
    if (rules.excludeSenders().contains(sender)) {
      return new Engagement.Declined("sender " + sender + " is excluded");
    }
    boolean isAdmin = sender.equals(adminUserId);
    boolean allowlisted = "allowlisted".equals(wiring.responseScope());
    if ((allowlisted || !rules.includeSenders().isEmpty())
        && !rules.includeSenders().contains(sender)
        && !isAdmin) {
      return new Engagement.Declined("sender " + sender + " is not on the allowlist");
    }
    if (rules.pattern() != null) {
      return rules.pattern().matcher(event.text()).find()
          ? Engagement.ENGAGED
          : new Engagement.Declined("text does not match " + rules.pattern().pattern());
    }
    boolean needsTrigger =
        rules.mentionOnly() || rules.requiresTrigger() || "triggered".equals(wiring.responseScope());
    if (needsTrigger && !event.addressing().any()) {
      return new Engagement.Declined("the message does not address the bot");
    }
    return Engagement.ENGAGED;
  }
}
