package dev.switchboard.plugins;

/** A configured channel's state: {@code starting}, {@code running}, {@code failed}, {@code stopped}. */
public record ChannelStatus(String channelType, String state, String problem) {
  public boolean running() {
    return "running".equals(state);
  }
}
