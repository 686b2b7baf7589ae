package dev.switchboard.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.GatewayConfig.AgentGroupDeclaration;
import dev.switchboard.config.GatewayConfig.Agents;
import dev.switchboard.config.GatewayConfig.ChannelSection;
import dev.switchboard.config.GatewayConfig.DeliverySettings;
import dev.switchboard.config.GatewayConfig.Http;
import dev.switchboard.config.GatewayConfig.RateOverride;
import dev.switchboard.config.GatewayConfig.WiringDeclaration;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code config/switchboard.yaml} (or {@code SWITCHBOARD_CONFIG}) and the environment into a
 * {@link GatewayConfig}. Every mistake stops start-up with a {@link ConfigException} that names the
 * key and says how to fix it; unknown keys are mistakes too, so a typo is not silently ignored.
 */
public final class ConfigLoader {
  public static final String DEFAULT_CONFIG = "config/switchboard.yaml";
  private static final Set<String> TOP_KEYS =
      Set.of("dataDir", "pluginsDir", "http", "timezone", "channels", "agents", "delivery",
          "agentGroups", "wirings", "commands", "questions", "files");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<String, String> environment;

  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The config file to read: {@code SWITCHBOARD_CONFIG}, else {@value #DEFAULT_CONFIG}. */
  public Path configFile() {
    return Path.of(environment.getOrDefault("SWITCHBOARD_CONFIG", DEFAULT_CONFIG));
  }

  public GatewayConfig load() {
    Path file = configFile();
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "config file " + file.toAbsolutePath() + " not found; run from the Switchboard folder,"
              + " or set SWITCHBOARD_CONFIG to your config file (config/switchboard.example.yaml"
              + " documents every key)");
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  public GatewayConfig parse(String yaml, String source) {
    JsonNode root;
    try {
      root = yaml.isBlank() ? YAML.createObjectNode() : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          source + " is not valid YAML (line " + e.getLocation().getLineNr() + "): "
              + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    Node top = new Node(root, "", source);
    top.requireObject();
    top.rejectUnknown(TOP_KEYS);

    Path dataDir = Path.of(env("SWITCHBOARD_DATA_DIR").orElse(top.text("dataDir", "data")));
    Path pluginsDir =
        Path.of(env("SWITCHBOARD_PLUGINS_DIR").orElse(top.text("pluginsDir", "plugins")));
    return new GatewayConfig(
        dataDir,
        pluginsDir,
        http(top.child("http")),
        timezone(top),
        channels(top.child("channels")),
        agents(top.child("agents")),
        delivery(top.child("delivery")),
        agentGroups(top.child("agentGroups")),
        wirings(top.child("wirings")),
        conversations(top),
        environment);
  }

  private static GatewayConfig.Conversations conversations(Node top) {
    Node commands = top.child("commands");
    commands.rejectUnknown(Set.of("adminOnly"));
    List<String> adminOnly = new ArrayList<>();
    JsonNode list = commands.node.get("adminOnly");
    if (list == null || list.isNull()) {
      adminOnly.add("/clear");
    } else if (!list.isArray()) {
      throw new ConfigException("commands.adminOnly must be a list of commands, e.g. [/clear]");
    } else {
      list.forEach(item -> {
        String command = item.asText();
        if (!command.startsWith("/") || command.contains(" ")) {
          throw new ConfigException("commands.adminOnly entries are commands like /clear, not '" + command + "'");
        }
        adminOnly.add(command);
      });
    }
    Node questions = top.child("questions");
    questions.rejectUnknown(Set.of("expireAfter"));
    Node files = top.child("files");
    files.rejectUnknown(Set.of("maxInboundBytes", "maxOutboundBytes"));
    long maxIn = files.integer("maxInboundBytes", 20 * 1024 * 1024);
    long maxOut = files.integer("maxOutboundBytes", 50 * 1024 * 1024);
    if (maxIn < 1 || maxOut < 1) {
      throw new ConfigException("files.maxInboundBytes and files.maxOutboundBytes must be positive");
    }
    return new GatewayConfig.Conversations(
        adminOnly, questions.duration("expireAfter", Duration.ofDays(7)), maxIn, maxOut);
  }

  private Http http(Node http) {
    http.rejectUnknown(Set.of("host", "port", "maxBodyBytes", "admission"));
    int port =
        env("SWITCHBOARD_HTTP_PORT")
            .map(value -> parsePort(value, "SWITCHBOARD_HTTP_PORT"))
            .orElse(http.integer("port", 8080));
    if (port < 0 || port > 65535) {
      throw new ConfigException(http.name("port") + " must be between 0 and 65535, was " + port);
    }
    String host = env("SWITCHBOARD_HTTP_HOST").orElse(http.text("host", "127.0.0.1"));
    long maxBody = http.integer("maxBodyBytes", 1024 * 1024);
    if (maxBody < 1024) {
      throw new ConfigException(http.name("maxBodyBytes") + " must be at least 1024");
    }
    return new Http(host, port, maxBody, admission(http.child("admission")));
  }

  private static GatewayConfig.Admission admission(Node admission) {
    admission.rejectUnknown(Set.of("maxInFlight", "maxBacklog", "retryAfter"));
    GatewayConfig.Admission defaults = GatewayConfig.Admission.DEFAULTS;
    int maxInFlight = admission.integer("maxInFlight", defaults.maxInFlight());
    if (maxInFlight < 1) {
      throw new ConfigException(admission.name("maxInFlight") + " must be at least 1");
    }
    int maxBacklog = admission.integer("maxBacklog", defaults.maxBacklog());
    if (maxBacklog < 1) {
      throw new ConfigException(admission.name("maxBacklog") + " must be at least 1");
    }
    Duration retryAfter = admission.duration("retryAfter", defaults.retryAfter());
    if (retryAfter.toSeconds() < 1) {
      throw new ConfigException(
          admission.name("retryAfter") + " must be at least 1s (Retry-After counts whole seconds)");
    }
    return new GatewayConfig.Admission(maxInFlight, maxBacklog, retryAfter);
  }

  private ZoneId timezone(Node top) {
    String zone = env("TZ").orElse(top.text("timezone", "UTC"));
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new ConfigException(
          "timezone '" + zone + "' is not a time zone; use a name like UTC or Europe/Berlin");
    }
  }

  private static Map<String, ChannelSection> channels(Node channels) {
    Map<String, ChannelSection> result = new TreeMap<>();
    for (String type : channels.keys()) {
      Node section = channels.child(type);
      section.requireObject();
      Map<String, String> flat = new TreeMap<>();
      flatten(section.node, "", flat);
      boolean enabled = section.bool("enabled", true);
      flat.remove("enabled");
      result.put(type, new ChannelSection(enabled, flat));
    }
    return result;
  }

  private static Agents agents(Node agents) {
    agents.rejectUnknown(
        Set.of("maxRunning", "idleTimeout", "heartbeatTimeout", "stopGrace", "maxTries",
            "retryBackoff", "providers"));
    int maxRunning = agents.integer("maxRunning", 8);
    if (maxRunning < 1) {
      throw new ConfigException(agents.name("maxRunning") + " must be at least 1");
    }
    Duration retryBackoff = agents.duration("retryBackoff", Duration.ofSeconds(5));
    if (retryBackoff.isZero() || retryBackoff.isNegative()) {
      throw new ConfigException(agents.name("retryBackoff") + " must be longer than 0s");
    }
    Map<String, Map<String, String>> providers = new TreeMap<>();
    Node providerNodes = agents.child("providers");
    for (String name : providerNodes.keys()) {
      Map<String, String> flat = new TreeMap<>();
      flatten(providerNodes.child(name).node, "", flat);
      providers.put(name, flat);
    }
    return new Agents(
        maxRunning,
        agents.duration("idleTimeout", Duration.ofMinutes(30)),
        agents.duration("heartbeatTimeout", Duration.ofMinutes(5)),
        agents.duration("stopGrace", Duration.ofSeconds(10)),
        agents.integer("maxTries", 5),
        providers,
        retryBackoff);
  }

  private static DeliverySettings delivery(Node delivery) {
    delivery.rejectUnknown(
        Set.of("maxAttempts", "initialBackoff", "maxBackoff", "pollInterval", "rateLimits"));
    Map<String, RateOverride> rates = new TreeMap<>();
    Node rateNodes = delivery.child("rateLimits");
    for (String channel : rateNodes.keys()) {
      Node rate = rateNodes.child(channel);
      rate.rejectUnknown(Set.of("burst", "interval"));
      rates.put(
          channel,
          new RateOverride(rate.integer("burst", 1), rate.duration("interval", Duration.ofSeconds(1))));
    }
    return new DeliverySettings(
        delivery.integer("maxAttempts", 10),
        delivery.duration("initialBackoff", Duration.ofSeconds(1)),
        delivery.duration("maxBackoff", Duration.ofMinutes(5)),
        delivery.duration("pollInterval", Duration.ofMillis(250)),
        rates);
  }

  private static List<AgentGroupDeclaration> agentGroups(Node list) {
    List<AgentGroupDeclaration> result = new ArrayList<>();
    for (Node item : list.items()) {
      item.rejectUnknown(Set.of("folder", "name", "provider", "admin", "config"));
      String folder = item.requiredText("folder");
      JsonNode config = item.node.get("config");
      result.add(
          new AgentGroupDeclaration(
              folder,
              item.text("name", folder),
              item.text("provider", "echo"),
              item.bool("admin", false),
              config == null || config.isNull() ? null : config.toString()));
    }
    return result;
  }

  private static List<WiringDeclaration> wirings(Node list) {
    List<WiringDeclaration> result = new ArrayList<>();
    for (Node item : list.items()) {
      item.rejectUnknown(
          Set.of("channel", "chat", "agentGroup", "sessionMode", "scope", "priority", "trigger"));
      JsonNode trigger = item.node.get("trigger");
      result.add(
          new WiringDeclaration(
              item.requiredText("channel"),
              item.requiredText("chat"),
              item.requiredText("agentGroup"),
              item.text("sessionMode", "shared"),
              item.text("scope", "all"),
              item.integer("priority", 0),
              trigger == null || trigger.isNull() ? null : trigger.toString()));
    }
    return result;
  }

  private java.util.Optional<String> env(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value);
  }

  private static int parsePort(String value, String name) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a port number, was '" + value + "'");
    }
  }

  /** Flattens nested maps to dotted keys; lists become comma-separated values. */
  static void flatten(JsonNode node, String prefix, Map<String, String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), out);
      }
    } else if (node.isArray()) {
      List<String> values = new ArrayList<>();
      node.forEach(item -> values.add(item.asText()));
      out.put(prefix, String.join(",", values));
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /** A YAML node with its dotted name, for messages. */
  private record Node(JsonNode node, String path, String source) {
    String name(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    void requireObject() {
      if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
        throw new ConfigException(
            (path.isEmpty() ? source : path) + " must be a map of settings (key: value)");
      }
    }

    void rejectUnknown(Set<String> known) {
      requireObject();
      for (String key : keys()) {
        if (!known.contains(key)) {
          throw new ConfigException(
              "unknown setting " + name(key) + " in " + source + "; known here: "
                  + String.join(", ", new java.util.TreeSet<>(known)));
        }
      }
    }

    List<String> keys() {
      List<String> keys = new ArrayList<>();
      if (node.isObject()) {
        node.fieldNames().forEachRemaining(keys::add);
      } else if (!node.isMissingNode() && !node.isNull()) {
        throw new ConfigException((path.isEmpty() ? source : path) + " must be a map");
      }
      return keys;
    }

    Node child(String key) {
      JsonNode child = node.isObject() ? node.get(key) : null;
      return new Node(child == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : child, name(key), source);
    }

    List<Node> items() {
      if (node.isMissingNode() || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        throw new ConfigException(path + " must be a list (items starting with '- ')");
      }
      List<Node> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        Node item = new Node(node.get(i), path + "[" + i + "]", source);
        if (!item.node.isObject()) {
          throw new ConfigException(item.path + " must be a map of settings");
        }
        items.add(item);
      }
      return items;
    }

    String text(String key, String fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isValueNode()) {
        throw new ConfigException(name(key) + " must be a single value");
      }
      return value.asText();
    }

    String requiredText(String key) {
      String value = text(key, null);
      if (value == null || value.isBlank()) {
        throw new ConfigException(name(key) + " is required");
      }
      return value;
    }

    int integer(String key, int fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.canConvertToInt() || !(value.isIntegralNumber() || value.asText().matches("-?\\d+"))) {
        throw new ConfigException(name(key) + " must be a whole number, was '" + value.asText() + "'");
      }
      return value.isIntegralNumber() ? value.intValue() : Integer.parseInt(value.asText());
    }

    boolean bool(String key, boolean fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        throw new ConfigException(name(key) + " must be true or false, was '" + value.asText() + "'");
      }
      return value.booleanValue();
    }

    Duration duration(String key, Duration fallback) {
      String value = text(key, null);
      return value == null ? fallback : Settings.parseDuration(name(key), value);
    }
  }
}
