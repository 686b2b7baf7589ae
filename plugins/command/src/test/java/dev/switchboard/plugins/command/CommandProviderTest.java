package dev.switchboard.plugins.command;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.RunningAgent;
import dev.switchboard.plugin.api.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class CommandProviderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path root;

  private final CommandProvider provider =
      new CommandProvider(new CommandSettings(List.of(), Duration.ofSeconds(2)), System.getenv());
  private final List<RunningAgent> started = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    started.forEach(agent -> agent.stop(Duration.ZERO));
    provider.close();
  }

  // Reads what the running program really got from /proc, so no interpreter or shell adds to it.
  @Test
  @EnabledOnOs(OS.LINUX)
  void starts_the_program_in_its_work_dir_with_the_contract_and_the_allowed_names_only()
      throws Exception {
    Map<String, String> gateway =
        Map.of(
            "PATH", System.getenv("PATH"),
            "HOME", "/home/agent-test",
            "LANG", "C.UTF-8",
            "TELEGRAM_BOT_TOKEN", "123456:never-for-agents",
            "EXTRA_ALLOWED", "yes",
            "NOT_LISTED", "no");
    AgentProvider fromFactory =
        new CommandProviderFactory()
            .create(
                new Settings(
                    "agents.providers.command",
                    Map.of("passEnvironment", "EXTRA_ALLOWED"),
                    gateway));
    AgentLaunch launch =
        Launches.of(
            root,
            Map.of(
                "command", "sleep",
                "args", List.of("600"),
                "env", Map.of("GROUP_SETTING", "on")));

    RunningAgent agent = fromFactory.start(launch);
    started.add(agent);

    Path proc = Path.of("/proc", String.valueOf(ProcessRef.parse(agent.ref()).orElseThrow().pid()));
    Map<String, String> expected =
        new TreeMap<>(Launches.contractEnvironment(root.resolve("session")));
    expected.putAll(
        Map.of(
            "PATH", System.getenv("PATH"),
            "HOME", "/home/agent-test",
            "LANG", "C.UTF-8",
            "EXTRA_ALLOWED", "yes",
            "GROUP_SETTING", "on"));
    assertEquals(expected, environmentOf(proc));
    assertEquals(launch.workDir().toRealPath(), Files.readSymbolicLink(proc.resolve("cwd")));
    assertTrue(
        Files.readSymbolicLink(proc.resolve("fd/0")).toString().startsWith("pipe:"),
        "standard input is a pipe");
  }

  @Test
  void appends_standard_output_and_error_to_the_log_file() throws Exception {
    AgentLaunch launch = Launches.of(root, "sh", "-c", "echo to-stdout; echo to-stderr >&2");

    provider.start(launch).onExit().get(WAIT.toSeconds(), SECONDS);
    provider.start(launch).onExit().get(WAIT.toSeconds(), SECONDS);

    String log = Files.readString(launch.logFile());
    assertEquals(2, log.lines().filter("to-stdout"::equals).count(), log);
    assertEquals(2, log.lines().filter("to-stderr"::equals).count(), log);
  }

  @Test
  void the_ref_names_the_pid_and_start_instant_of_the_program() throws Exception {
    RunningAgent agent = start(Launches.of(root, "sleep", "600"));

    ProcessRef ref = ProcessRef.parse(agent.ref()).orElseThrow();

    ProcessHandle process = ProcessHandle.of(ref.pid()).orElseThrow();
    assertEquals("sleep", Path.of(process.info().command().orElseThrow()).getFileName().toString());
    assertEquals(ProcessRef.of(process), ProcessRef.parse(agent.ref()));
  }

  @Test
  void a_wake_reaches_the_agent_as_a_line_on_standard_input() throws Exception {
    Path received = root.resolve("received.txt");
    RunningAgent agent =
        start(
            Launches.of(
                root,
                "sh",
                "-c",
                "while read line; do echo \"$line\" >> '" + received + "'; done"));

    agent.wake();
    Await.until("the first wake arrives", WAIT, () -> lines(received).size() == 1);
    agent.wake();
    Await.until("the second wake arrives", WAIT, () -> lines(received).size() == 2);

    assertEquals(List.of("wake", "wake"), lines(received));
  }

  @Test
  void wakes_never_block_the_caller_when_the_agent_never_reads_its_input() throws Exception {
    CommandAgent agent = (CommandAgent) start(Launches.of(root, "sleep", "600"));

    // Wakes until the writer is stuck on a full pipe: the count of written lines stops moving.
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> wakeUntilWriterStalls(agent));
    assertTrue(
        agent.wakeLinesWritten() * 5 >= 4096,
        "the pipe should be full, but only " + agent.wakeLinesWritten() + " lines went in");
    long start = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      agent.wake();
    }
    Duration wakes = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(wakes.compareTo(Duration.ofSeconds(1)) < 0, "100000 wakes took " + wakes);
    Duration stop = timed(() -> agent.stop(Duration.ofSeconds(5)));
    assertTrue(stop.compareTo(Duration.ofSeconds(4)) < 0, "stop took " + stop);
    assertTrue(agent.onExit().isDone());
  }

  @Test
  void stop_forces_a_program_that_ignores_sigterm_once_the_grace_is_over() throws Exception {
    Path ready = root.resolve("ready");
    RunningAgent agent =
        start(
            Launches.of(
                root,
                "sh",
                "-c",
                "trap '' TERM; echo ready > '" + ready + "'; while :; do sleep 1; done"));
    Await.until("the program ignores SIGTERM", WAIT, () -> Files.exists(ready));
    Duration grace = Duration.ofMillis(700);

    Duration took = timed(() -> agent.stop(grace));

    assertTrue(took.compareTo(grace) >= 0, "stop took only " + took);
    assertTrue(took.compareTo(grace.plusSeconds(5)) < 0, "stop took " + took);
    assertTrue(agent.onExit().isDone());
    assertFalse(isAlive(agent.ref()));
  }

  @Test
  void stop_ends_a_program_that_exits_at_the_end_of_its_input() throws Exception {
    Path done = root.resolve("done");
    RunningAgent agent =
        start(
            Launches.of(
                root,
                "sh",
                "-c",
                "trap '' TERM; while read line; do :; done; echo end-of-input > '" + done + "'"));

    Duration took = timed(() -> agent.stop(Duration.ofSeconds(30)));

    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "stop took " + took);
    assertTrue(agent.onExit().isDone());
    assertEquals(List.of("end-of-input"), lines(done));
  }

  @Test
  void stop_ends_a_program_that_exits_on_sigterm_well_within_the_grace() throws Exception {
    RunningAgent agent = start(Launches.of(root, "sleep", "600"));

    Duration took = timed(() -> agent.stop(Duration.ofSeconds(30)));

    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "stop took " + took);
    assertTrue(agent.onExit().isDone());
    assertFalse(isAlive(agent.ref()));
  }

  @Test
  void stop_ends_the_programs_descendants_too() throws Exception {
    RunningAgent agent = start(Launches.of(root, "sh", "-c", withChild()));
    long child = childPid();

    agent.stop(Duration.ofSeconds(5));

    Await.until("the child has exited", WAIT, () -> ProcessHandle.of(child).isEmpty());
  }

  @Test
  void clean_up_stale_ends_the_live_process_a_ref_names_and_its_descendants() throws Exception {
    RunningAgent agent = start(Launches.of(root, "sh", "-c", withChild()));
    long child = childPid();

    new CommandProvider(CommandSettings.defaults(), Map.of()).cleanUpStale(agent.ref());

    agent.onExit().get(WAIT.toSeconds(), SECONDS);
    Await.until("the child has exited", WAIT, () -> ProcessHandle.of(child).isEmpty());
  }

  @Test
  void clean_up_stale_leaves_a_process_whose_start_instant_differs_alone() throws Exception {
    RunningAgent agent = start(Launches.of(root, "sleep", "600"));
    ProcessRef ref = ProcessRef.parse(agent.ref()).orElseThrow();
    ProcessRef reusedPid = new ProcessRef(ref.pid(), ref.startMillis() + 10);

    provider.cleanUpStale(reusedPid.toString());

    assertTrue(isAlive(agent.ref()));
    assertFalse(agent.onExit().isDone());
  }

  @Test
  void clean_up_stale_ignores_refs_it_cannot_read_or_find() throws Exception {
    RunningAgent live = start(Launches.of(root, "sleep", "600"));
    RunningAgent ended = start(Launches.of(root, "true"));
    ended.onExit().get(WAIT.toSeconds(), SECONDS);
    List<String> refs =
        List.of(
            ended.ref(), "", "garbage", "12@", "@12", "0@1", "-4@1", "1@2@3", "x@y", "42@unknown");

    for (String ref : refs) {
      assertDoesNotThrow(() -> provider.cleanUpStale(ref), ref);
    }
    assertDoesNotThrow(() -> provider.cleanUpStale(null));

    assertTrue(isAlive(live.ref()));
  }

  @Test
  void a_missing_command_is_rejected_before_anything_is_started() {
    AgentLaunch launch = Launches.of(root, Map.of("args", List.of("agent.py")));

    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> provider.start(launch));

    assertTrue(error.getMessage().contains("container_config.command"), error.getMessage());
    assertTrue(error.getMessage().contains(Launches.GROUP_ID), error.getMessage());
    assertFalse(Files.exists(launch.logFile()));
  }

  @Test
  void a_program_that_cannot_be_started_is_an_io_error_naming_the_session() {
    IOException error =
        assertThrows(
            IOException.class,
            () -> provider.start(Launches.of(root, root.resolve("no-such-program").toString())));

    assertTrue(error.getMessage().contains(Launches.SESSION_ID), error.getMessage());
    assertTrue(error.getMessage().contains("no-such-program"), error.getMessage());
  }

  private RunningAgent start(AgentLaunch launch) throws IOException {
    RunningAgent agent = provider.start(launch);
    started.add(agent);
    return agent;
  }

  private String withChild() {
    return "sleep 600 & echo $! > '" + root.resolve("child.pid") + "'; wait";
  }

  private long childPid() {
    Path file = root.resolve("child.pid");
    Await.until("the child is started", WAIT, () -> lines(file).size() == 1);
    long pid = Long.parseLong(lines(file).get(0).trim());
    assertTrue(ProcessHandle.of(pid).isPresent(), "child " + pid + " runs");
    return pid;
  }

  private static void wakeUntilWriterStalls(CommandAgent agent) {
    long calls = 0;
    long lastLines = -1;
    long stableSince = System.nanoTime();
    while (calls < 100_000 || System.nanoTime() - stableSince < 300_000_000L) {
      agent.wake();
      calls++;
      if (calls % 1000 == 0 && agent.wakeLinesWritten() != lastLines) {
        lastLines = agent.wakeLinesWritten();
        stableSince = System.nanoTime();
      }
    }
  }

  private static Map<String, String> environmentOf(Path proc) throws IOException {
    Map<String, String> environment = new TreeMap<>();
    String raw = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
    for (String entry : raw.split("\0")) {
      int equals = entry.indexOf('=');
      if (equals > 0) {
        environment.put(entry.substring(0, equals), entry.substring(equals + 1));
      }
    }
    return environment;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean isAlive(String ref) {
    return ProcessRef.parse(ref).flatMap(ProcessRef::find).isPresent();
  }

  private static Duration timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
