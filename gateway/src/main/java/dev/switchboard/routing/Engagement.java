package dev.switchboard.routing;

/** Whether a wiring takes a message, and if not, why. */
public sealed interface Engagement {
  Engaged ENGAGED = new Engaged();

  record Engaged() implements Engagement {}

  record Declined(String reason) implements Engagement {}
}
