package dev.switchboard.agents;

import dev.switchboard.store.AgentGroup;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment the session contract gives an agent. */
final class SessionEnvironment {
  private SessionEnvironment() {}

  static Map<String, String> build(
      String sessionId,
      Path sessionDir,
      AgentGroup group,
      String provider,
      String adminUserId,
      ZoneId timezone) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SESSION_INBOUND_DB_PATH", sessionDir.resolve("inbound.db").toAbsolutePath().toString());
    env.put("SESSION_OUTBOUND_DB_PATH", sessionDir.resolve("outbound.db").toAbsolutePath().toString());
    env.put("SESSION_HEARTBEAT_PATH", sessionDir.resolve(".heartbeat").toAbsolutePath().toString());
    env.put("AGENT_PROVIDER", provider);
    env.put("NANOCLAW_AGENT_GROUP_ID", group.id());
    env.put("NANOCLAW_AGENT_GROUP_NAME", group.name());
    env.put("NANOCLAW_ASSISTANT_NAME", group.name());
    env.put("NANOCLAW_IS_ADMIN", group.admin() ? "1" : "0");
    if (adminUserId != null) {
      env.put("NANOCLAW_ADMIN_USER_ID", adminUserId);
    }
    env.put("TZ", timezone.getId());
    Map<String, String> withAliases = new LinkedHashMap<>(env);
    env.forEach(
        (name, value) -> {
          if (name.startsWith("NANOCLAW_")) {
            withAliases.put("SWITCHBOARD_" + name.substring("NANOCLAW_".length()), value);
          }
        });
    withAliases.put("SWITCHBOARD_SESSION_ID", sessionId);
    withAliases.put("SWITCHBOARD_SESSION_DIR", sessionDir.toAbsolutePath().toString());
    return withAliases;
  }
}
