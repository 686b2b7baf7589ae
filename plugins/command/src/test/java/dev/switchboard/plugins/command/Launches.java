package dev.switchboard.plugins.command;

import dev.switchboard.plugin.api.AgentLaunch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Launches of a test session under a temporary folder. */
final class Launches {
  static final String GROUP_ID = "ag-test";
  static final String GROUP_NAME = "Test Agents";
  static final String SESSION_ID = "sess-test";

  private Launches() {}

  /** A launch of {@code command args} with the session folder {@code root/session}. */
  static AgentLaunch of(Path root, String command, String... args) {
    return of(root, Map.of("command", command, "args", List.of(args)));
  }

  static AgentLaunch of(Path root, Map<String, Object> config) {
    Path sessionDir = root.resolve("session");
    return new AgentLaunch(
        SESSION_ID,
        GROUP_ID,
        GROUP_NAME,
        root.resolve("group"),
        sessionDir,
        contractEnvironment(sessionDir),
        config,
        root.resolve("logs").resolve(SESSION_ID + ".log"));
  }

  /** The session contract's variables for a session folder. */
  static Map<String, String> contractEnvironment(Path sessionDir) {
    Map<String, String> environment = new HashMap<>();
    environment.put("SESSION_INBOUND_DB_PATH", sessionDir.resolve("inbound.db").toString());
    environment.put("SESSION_OUTBOUND_DB_PATH", sessionDir.resolve("outbound.db").toString());
    environment.put("SESSION_HEARTBEAT_PATH", sessionDir.resolve(".heartbeat").toString());
    environment.put("AGENT_PROVIDER", "command");
    environment.put("NANOCLAW_AGENT_GROUP_ID", GROUP_ID);
    environment.put("NANOCLAW_AGENT_GROUP_NAME", GROUP_NAME);
    environment.put("NANOCLAW_ASSISTANT_NAME", "Switch");
    environment.put("NANOCLAW_IS_ADMIN", "0");
    environment.put("TZ", "UTC");
    return environment;
  }
}
