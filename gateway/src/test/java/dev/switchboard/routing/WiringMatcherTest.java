package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.store.Wiring;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether a wiring takes a message: one row per case of DESIGN.md's routing rules. */
class WiringMatcherTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                   | scope       | rules                                             | sender | text          | address   | engaged
          no rule takes everything                   | all         |                                                   | u1     | hello         | none      | true
          pattern that matches                       | all         | {"pattern":"^!ask"}                               | u1     | !ask me       | none      | true
          pattern that does not match                | all         | {"pattern":"^!ask"}                               | u1     | hello         | none      | false
          pattern wins over missing mention          | triggered   | {"pattern":"help"}                                | u1     | help please   | none      | true
          mentionOnly without mention                | all         | {"mentionOnly":true}                              | u1     | hello         | none      | false
          mentionOnly with mention                   | all         | {"mentionOnly":true}                              | u1     | hello         | mention   | true
          mentionOnly in a direct message            | all         | {"mentionOnly":true}                              | u1     | hello         | direct    | true
          requiresTrigger with reply to the bot      | all         | {"requiresTrigger":true}                          | u1     | hello         | reply     | true
          triggered scope without trigger            | triggered   |                                                   | u1     | hello         | none      | false
          triggered scope with mention               | triggered   |                                                   | u1     | hello         | mention   | true
          excluded sender                            | all         | {"excludeSenders":["u1"]}                         | u1     | hello         | mention   | false
          other sender not excluded                  | all         | {"excludeSenders":["u1"]}                         | u2     | hello         | none      | true
          allowlisted scope, sender listed           | allowlisted | {"includeSenders":["u1"]}                         | u1     | hello         | none      | true
          allowlisted scope, sender not listed       | allowlisted | {"includeSenders":["u1"]}                         | u2     | hello         | none      | false
          allowlisted scope, the chat admin          | allowlisted |                                                   | admin  | hello         | none      | true
          allowlisted scope, nobody listed           | allowlisted |                                                   | u1     | hello         | none      | false
          includeSenders filters in any scope        | all         | {"includeSenders":["u1"]}                         | u2     | hello         | none      | false
          exclusion beats the pattern                | all         | {"pattern":"x","excludeSenders":["u1"]}           | u1     | x             | none      | false
          """)
  void decides(String name, String scope, String rules, String sender, String text, String address, boolean engaged) {
    Wiring wiring = new Wiring("w", "mg", "ag", rules, scope, "shared", 0, "now");
    InboundEvent event =
        InboundEvent.builder("chat", new InboundEvent.Sender(sender, null), text)
            .addressing(
                switch (address) {
                  case "mention" -> new Addressing(true, false, false);
                  case "direct" -> new Addressing(false, true, false);
                  case "reply" -> new Addressing(false, false, true);
                  default -> Addressing.NONE;
                })
            .build();
    Engagement result = WiringMatcher.decide(wiring, TriggerRules.parse(rules), "admin", event);
    if (engaged) {
      assertInstanceOf(Engagement.Engaged.class, result, name);
    } else {
      assertInstanceOf(Engagement.Declined.class, result, name);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"pattern":"(unclosed"}        | trigger pattern is not a regular expression
          {"colour":"blue"}              | unknown trigger rule 'colour'
          [1,2]                          | trigger rules must be a JSON object
          {"includeSenders":"u1"}        | sender lists must be JSON arrays of ids
          not json                       | trigger rules are not JSON
          """)
  void refuses_bad_trigger_rules_with_the_reason(String rules, String message) {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TriggerRules.parse(rules));
    assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
  }
}
