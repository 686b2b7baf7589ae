package dev.switchboard.admin;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.DroppedMessages;
import dev.switchboard.store.Jdbc;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.SessionFiles;
import java.time.ZoneId;

/**
 * The launcher's management commands. They work on the central database directly, whether or not
 * a gateway is running; a running gateway sees the changes with its next message.
 */
public final class Cli {
  private final CentralDb central;
  private final Administration admin;
  private final Tasks tasks;
  private final PrintStream out;
  private final Clock clock;

  public Cli(CentralDb central, SessionFiles files, Clock clock, ZoneId zone, PrintStream out) {
    this.central = central;
    this.admin = new Administration(central, clock);
    this.tasks = new Tasks(central, new TaskRequests(central, files, clock, zone), files, out);
    this.out = out;
    this.clock = clock;
  }

  public static final String USAGE =
      """
      usage: ./switchboard [command]
        (no command)                 run the gateway
        test                         run the whole test suite
        groups add <folder> [--name NAME] [--provider echo|command|...] [--admin] [--config JSON]
        groups list
        groups remove <folder>
        wire <channel> <platformId|*> <folder> [--session-mode shared|per-thread|agent-shared]
             [--priority N] [--trigger REGEX] [--mention-only] [--scope all|triggered|allowlisted]
             [--stop-on-match]
        unwire <channel> <platformId|*> <folder>
        wirings list
        sessions list
        dropped list [--limit N]
        tasks list [--all]
        tasks cancel|pause|resume <taskId> [--session SESSION]
        destinations list [<folder>]
        destinations add <folder> <name> (--chat <channel> <platformId> | --agent <targetFolder>)
        destinations remove <folder> <name>
        pair <channel> --group <folder> [--expires 10m]
      """;

  /** Runs one command; returns the process exit code. */
  public int run(List<String> args) {
    if (args.isEmpty()) {
      out.print(USAGE);
      return 2;
    }
    try {
      Args a = new Args(args);
      String command = a.positional(0, "command") + (a.size() > 1 ? " " + a.raw(1) : "");
      switch (command) {
        case "groups add" -> groupsAdd(a);
        case "groups list" -> groupsList();
        case "groups remove" -> {
          admin.removeGroup(a.positional(2, "folder"));
          out.println("removed agent group " + a.raw(2));
        }
        case "wirings list" -> wiringsList();
        case "sessions list" -> sessionsList();
        case "dropped list" -> droppedList(a);
        case "tasks list" -> tasks.list(a.flag("--all"));
        case "tasks cancel" -> tasks.change(a.positional(2, "taskId"), a.option("--session"), "cancelled");
        case "tasks pause" -> tasks.change(a.positional(2, "taskId"), a.option("--session"), "paused");
        case "tasks resume" -> tasks.change(a.positional(2, "taskId"), a.option("--session"), "pending");
        case "destinations list" -> destinationsList(a.size() > 2 ? a.raw(2) : null);
        case "destinations add" -> destinationsAdd(a);
        case "destinations remove" -> {
          admin.removeDestination(a.positional(2, "folder"), a.positional(3, "name"));
          out.println("removed destination " + a.raw(3) + " of " + a.raw(2));
        }
        default -> {
          switch (a.raw(0)) {
            case "wire" -> wire(a);
            case "unwire" -> unwire(a);
            case "pair" -> pair(a);
            default -> {
              out.print("unknown command: " + String.join(" ", args) + "\n" + USAGE);
              return 2;
            }
          }
        }
      }
      return 0;
    } catch (ConfigException | IllegalArgumentException e) {
      out.println("error: " + e.getMessage());
      return 1;
    }
  }

  private void groupsAdd(Args a) {
    String folder = a.positional(2, "folder");
    String id =
        admin.putGroup(
            folder,
            a.option("--name").orElse(folder),
            a.option("--provider").orElse("echo"),
            a.flag("--admin"),
            a.option("--config").orElse(null));
    out.println("agent group " + folder + " (" + id + ")");
  }

  private void groupsList() {
    List<AgentGroup> groups = central.read(AgentGroups::list);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"FOLDER", "NAME", "PROVIDER", "ADMIN", "ID"});
    for (AgentGroup g : groups) {
      rows.add(new String[] {g.folder(), g.name(), String.valueOf(g.agentProvider()), g.admin() ? "yes" : "no", g.id()});
    }
    print(rows);
  }

  private void wire(Args a) {
    String channel = a.positional(1, "channel");
    String chat = a.positional(2, "platformId");
    String folder = a.positional(3, "folder");
    String trigger =
        dev.switchboard.routing.TriggerRules.toJson(
            a.option("--trigger").orElse(null), a.flag("--mention-only"), a.flag("--stop-on-match"));
    admin.wire(
        channel,
        chat,
        folder,
        new Administration.WiringOptions(
            a.option("--session-mode").orElse("shared"),
            a.option("--scope").orElse("all"),
            Integer.parseInt(a.option("--priority").orElse("0")),
            trigger));
    out.println("wired " + channel + " " + chat + " to " + folder);
  }

  private void unwire(Args a) {
    String channel = a.positional(1, "channel");
    String chat = a.positional(2, "platformId");
    String folder = a.positional(3, "folder");
    if (admin.unwire(channel, chat, folder)) {
      out.println("unwired " + channel + " " + chat + " from " + folder);
    } else {
      throw new ConfigException("no wiring of " + channel + " " + chat + " to " + folder);
    }
  }

  private void wiringsList() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"CHANNEL", "CHAT", "AGENT GROUP", "MODE", "PRIORITY", "SCOPE", "TRIGGER"});
    rows.addAll(
        central.read(
            c ->
                Jdbc.query(
                    c,
                    "SELECT m.channel_type, m.platform_id, g.folder, w.session_mode, w.priority,"
                        + " w.response_scope, COALESCE(w.trigger_rules, '') FROM messaging_group_agents w"
                        + " JOIN messaging_groups m ON m.id = w.messaging_group_id"
                        + " JOIN agent_groups g ON g.id = w.agent_group_id"
                        + " ORDER BY m.channel_type, m.platform_id, w.priority DESC",
                    r -> row(r, 7))));
    rows.addAll(
        central.read(
            c ->
                Jdbc.query(
                    c,
                    "SELECT d.channel_type, '*', g.folder, d.session_mode, d.priority,"
                        + " d.response_scope, COALESCE(d.trigger_rules, '') FROM channel_default_wirings d"
                        + " JOIN agent_groups g ON g.id = d.agent_group_id ORDER BY d.channel_type",
                    r -> row(r, 7))));
    print(rows);
  }

  private void sessionsList() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SESSION", "AGENT GROUP", "CHANNEL", "CHAT", "THREAD", "AGENT", "LAST ACTIVE"});
    rows.addAll(
        central.read(
            c ->
                Jdbc.query(
                    c,
                    "SELECT s.id, g.folder, COALESCE(m.channel_type, '(all)'), COALESCE(m.platform_id, '(all)'),"
                        + " COALESCE(s.thread_id, ''), COALESCE(s.container_status, ''), COALESCE(s.last_active, '')"
                        + " FROM sessions s JOIN agent_groups g ON g.id = s.agent_group_id"
                        + " LEFT JOIN messaging_groups m ON m.id = s.messaging_group_id ORDER BY s.last_active DESC",
                    r -> row(r, 7))));
    print(rows);
  }

  private void droppedList(Args a) {
    int limit = Integer.parseInt(a.option("--limit").orElse("50"));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"WHEN", "CHANNEL", "CHAT", "MESSAGE", "SENDER", "REASON"});
    for (DroppedMessages.Dropped d : central.read(c -> DroppedMessages.recent(c, limit))) {
      rows.add(new String[] {d.createdAt(), d.channelType(), d.platformId(), d.messageId(), d.senderId(), d.reason()});
    }
    print(rows);
  }

  private void pair(Args a) {
    String channel = a.positional(1, "channel");
    String folder = a.option("--group").orElseThrow(() -> new IllegalArgumentException("pair needs --group <folder>"));
    java.time.Duration ttl =
        dev.switchboard.plugin.api.Settings.parseDuration("--expires", a.option("--expires").orElse("10m"));
    String groupId =
        central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, folder))
            .orElseThrow(() -> new ConfigException("no agent group '" + folder + "'; add it with: ./switchboard groups add " + folder))
            .id();
    String code = new dev.switchboard.routing.Pairing(central, clock).newCode(channel, groupId, ttl);
    out.println(code);
    out.println("Send this code in the " + channel + " chat to pair with " + folder + " (valid for "
        + ttl.toMinutes() + " minutes, once). The sender becomes the chat's admin.");
  }

  private void destinationsAdd(Args a) {
    String folder = a.positional(2, "folder");
    String name = a.positional(3, "name");
    Optional<String> agent = a.option("--agent");
    if (agent.isPresent()) {
      admin.allowAgent(folder, name, agent.get());
    } else if (a.option("--chat").isPresent()) {
      admin.allowChat(folder, name, a.option("--chat").get(), a.positional(4, "platformId"));
    } else {
      throw new IllegalArgumentException("say where: --chat <channel> <platformId> or --agent <targetFolder>");
    }
    out.println("agent group " + folder + " may now send to " + name);
  }

  private void destinationsList(String folder) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"AGENT GROUP", "NAME", "TYPE", "WHERE"});
    rows.addAll(
        central.read(
            c ->
                Jdbc.query(
                    c,
                    "SELECT g.folder, a.name, a.type, CASE a.type WHEN 'agent' THEN t.folder"
                        + " ELSE a.channel_type || ' ' || a.platform_id END FROM destination_acl a"
                        + " JOIN agent_groups g ON g.id = a.agent_group_id"
                        + " LEFT JOIN agent_groups t ON t.id = a.target_agent_group_id"
                        + " WHERE ? IS NULL OR g.folder = ? ORDER BY g.folder, a.name",
                    r -> row(r, 4),
                    folder,
                    folder)));
    print(rows);
    out.println("(each agent group may also send to the chats it is wired to)");
  }

  private static String[] row(java.sql.ResultSet r, int columns) throws java.sql.SQLException {
    String[] row = new String[columns];
    for (int i = 0; i < columns; i++) {
      row[i] = r.getString(i + 1);
    }
    return row;
  }

  private void print(List<String[]> rows) {
    new PrintTable(out).print(rows);
  }
}
