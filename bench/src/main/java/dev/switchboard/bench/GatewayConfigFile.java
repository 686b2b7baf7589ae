package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway configuration the benchmarks run: the webhook channel; agent group {@code main}
 * (the built-in echo agent) wired to every chat; agent group {@code py} (the command provider
 * running the Python reference agent) wired to the command scenario's chats only, at a higher
 * priority and with {@code stopOnMatch}, so those chats are answered by Python alone.
 */
final class GatewayConfigFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private GatewayConfigFile() {}

  /** The YAML text, for {@code maxRunning} agents at once and the given Python-agent chats. */
  static String yaml(Path root, int maxRunning, List<String> pythonChats) {
    return yaml(root, maxRunning, null, pythonChats);
  }

  /**
   * The same, with {@code agents.idleTimeout} set to {@code idleTimeout} when it is not null
   * (else the gateway's default).
   */
  static String yaml(Path root, int maxRunning, Duration idleTimeout, List<String> pythonChats) {
    return yaml(root, maxRunning, idleTimeout, pythonChats, 0);
  }

  /**
   * The same, with {@code http.admission.maxBacklog} set to {@code maxBacklog} when it is above
   * zero (else the gateway's default).
   */
  static String yaml(
      Path root, int maxRunning, Duration idleTimeout, List<String> pythonChats, int maxBacklog) {
    Path agent = root.resolve("examples/agents/python/echo_agent.py");
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Written by the benchmark driver (bench/, dev.switchboard.bench).\n")
        .append("# dataDir, pluginsDir, http.port and the webhook token come from the environment.\n")
        .append("http:\n")
        .append("  host: 127.0.0.1\n");
    if (maxBacklog > 0) {
      yaml.append("  admission:\n").append("    maxBacklog: ").append(maxBacklog).append('\n');
    }
    yaml.append("channels:\n")
        .append("  webhook: {}\n")
        .append("agents:\n")
        .append("  maxRunning: ").append(maxRunning).append('\n');
    if (idleTimeout != null) {
      yaml.append("  idleTimeout: ").append(idleTimeout.toMillis()).append("ms\n");
    }
    yaml
        .append("agentGroups:\n")
        .append("  - folder: main\n")
        .append("    name: Main\n")
        .append("    provider: echo\n")
        .append("  - folder: py\n")
        .append("    name: Py\n")
        .append("    provider: command\n")
        .append("    config:\n")
        .append("      command: python3\n")
        .append("      args: [").append(quoted(agent.toString())).append("]\n")
        .append("wirings:\n")
        .append("  - channel: webhook\n")
        .append("    chat: \"*\"\n")
        .append("    agentGroup: main\n");
    for (String chat : pythonChats) {
      yaml.append("  - channel: webhook\n")
          .append("    chat: ").append(quoted(chat)).append('\n')
          .append("    agentGroup: py\n")
          .append("    priority: 10\n")
          .append("    trigger:\n")
          .append("      stopOnMatch: true\n");
    }
    return yaml.toString();
  }

  /** A double-quoted scalar: a JSON string is a valid YAML flow scalar. */
  private static String quoted(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot quote " + text, e);
    }
  }
}
