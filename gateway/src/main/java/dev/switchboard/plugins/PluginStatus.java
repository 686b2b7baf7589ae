package dev.switchboard.plugins;

/** What became of one plugin jar, for {@code /ready} and the log. */
public record PluginStatus(String id, String version, String state, String problem) {
  public boolean ok() {
    return problem == null;
  }
}
