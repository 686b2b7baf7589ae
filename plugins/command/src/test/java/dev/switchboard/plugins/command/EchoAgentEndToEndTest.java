package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.RunningAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python reference agent ({@code examples/agents/python/echo_agent.py}) run through the command
 * provider on real session files, with this test playing the host.
 */
class EchoAgentEndToEndTest {
  private static final Path AGENT =
      Path.of("../../examples/agents/python/echo_agent.py").toAbsolutePath().normalize();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String REPLIES =
      "SELECT seq, in_reply_to, kind, platform_id, channel_type, thread_id, timestamp, content"
          + " FROM messages_out ORDER BY seq";
  private static final String COMPLETED =
      "SELECT message_id FROM processing_ack WHERE status = 'completed' ORDER BY message_id";

  @TempDir Path root;

  private final CommandProvider provider =
      new CommandProvider(CommandSettings.defaults(), System.getenv());
  private RunningAgent agent;
  private Process directProcess;

  @AfterEach
  void stopAgents() {
    if (agent != null) {
      agent.stop(Duration.ZERO);
    }
    if (directProcess != null) {
      directProcess.destroyForcibly();
    }
  }

  @Test
  void the_python_echo_agent_answers_due_chat_rows_with_odd_seqs_and_answers_a_wake_at_once()
      throws Exception {
    assertTrue(Files.isRegularFile(AGENT), "missing " + AGENT);
    SessionDatabases session = SessionDatabases.create(root.resolve("session"));
    insertChat(session, "m-1", 2, "hello", "t-1");
    insertChat(session, "m-2", 4, "second", null);
    session.outbound(
        "INSERT INTO processing_ack VALUES ('m-crashed', 'processing', '2024-01-01 00:00:00')");
    agent = provider.start(launch());

    Await.until("both rows are answered", WAIT, () -> completed(session).size() == 2);

    List<Map<String, Object>> replies = session.queryOutbound(REPLIES);
    assertEquals(List.of(5, 7), replies.stream().map(row -> row.get("seq")).toList());
    assertReply(replies.get(0), "m-1", "py: hello", "t-1");
    assertReply(replies.get(1), "m-2", "py: second", null);
    assertEquals(List.of("m-1", "m-2"), completed(session));
    assertTrue(
        session
            .queryOutbound("SELECT * FROM processing_ack WHERE message_id = 'm-crashed'")
            .isEmpty());
    assertTrue(Files.exists(root.resolve("session/.heartbeat")));

    insertChat(session, "m-3", 6, "wake up", null);
    long woken = System.nanoTime();
    agent.wake();
    Await.until("the woken agent answers", WAIT, () -> completed(session).contains("m-3"));
    Duration answered = Duration.ofNanos(System.nanoTime() - woken);

    // The agent polls only every 5 s here, so an answer this fast came through the wake.
    assertTrue(answered.compareTo(Duration.ofMillis(800)) < 0, "answered after " + answered);
    List<Map<String, Object>> third = session.queryOutbound(REPLIES + " DESC LIMIT 1");
    assertEquals(9, third.get(0).get("seq"));
    assertReply(third.get(0), "m-3", "py: wake up", null);
  }

  @Test
  void system_rows_are_acked_without_a_reply_and_future_rows_wait() throws Exception {
    SessionDatabases session = SessionDatabases.create(root.resolve("session"));
    session.inbound(
        "INSERT INTO messages_in (id, seq, kind, timestamp, content) VALUES ('s-1', 2, 'system',"
            + " datetime('now'),"
            + " '{\"type\":\"delivery_failed\",\"messageOutId\":\"x\",\"error\":\"gone\"}')");
    session.inbound(
        "INSERT INTO messages_in (id, seq, kind, timestamp, process_after, content) VALUES"
            + " ('later', 4, 'chat', datetime('now'), datetime('now', '+1 hour'),"
            + " '{\"text\":\"hi\"}')");
    agent = provider.start(launch());

    Await.until("the system row is acked", WAIT, () -> completed(session).contains("s-1"));

    assertEquals(List.of("s-1"), completed(session));
    assertTrue(session.queryOutbound(REPLIES).isEmpty());
  }

  @Test
  void the_echo_agent_exits_with_status_zero_at_the_end_of_its_input() throws Exception {
    Process direct = startDirectly();

    direct.getOutputStream().close();

    assertTrue(direct.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "exited");
    assertEquals(0, direct.exitValue());
  }

  @Test
  void the_echo_agent_exits_with_status_zero_on_sigterm() throws Exception {
    Process direct = startDirectly();

    // Through the handle: Process.destroy() would also close the agent's input.
    direct.toHandle().destroy();

    assertTrue(direct.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "exited");
    assertEquals(0, direct.exitValue());
    assertTrue(logText(root.resolve("direct.log")).contains("stopped"));
  }

  @Test
  void stop_through_the_provider_ends_the_echo_agent() throws Exception {
    SessionDatabases.create(root.resolve("session"));
    agent = provider.start(launch());
    Path log = root.resolve("logs").resolve(Launches.SESSION_ID + ".log");
    Await.until("the agent has started", WAIT, () -> logText(log).contains("started"));

    Duration took = timed(() -> agent.stop(Duration.ofSeconds(10)));

    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "stop took " + took);
    assertTrue(agent.onExit().isDone());
    assertTrue(logText(log).contains("stopped"), logText(log));
  }

  /** The agent without the provider, so that the test sees its exit status; started and idle. */
  private Process startDirectly() throws Exception {
    SessionDatabases.create(root.resolve("session"));
    Path log = root.resolve("direct.log");
    ProcessBuilder builder =
        new ProcessBuilder("python3", AGENT.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(Launches.contractEnvironment(root.resolve("session")));
    Process direct = builder.start();
    directProcess = direct;
    Await.until("the agent has started", WAIT, () -> logText(log).contains("started"));
    return direct;
  }

  private AgentLaunch launch() {
    return Launches.of(
        root,
        Map.of(
            "command", "python3",
            "args", List.of(AGENT.toString()),
            "env", Map.of("ECHO_POLL_SECONDS", "5")));
  }

  private static void insertChat(
      SessionDatabases session, String id, int seq, String text, String threadId) throws Exception {
    session.inbound(
        "INSERT INTO messages_in (id, seq, kind, timestamp, status, platform_id, channel_type,"
            + " thread_id, content) VALUES (?, ?, 'chat', datetime('now'), 'pending', 'chat-42',"
            + " 'webhook', ?, ?)",
        id,
        seq,
        threadId,
        "{\"text\":\"" + text + "\",\"sender\":\"Ada\",\"senderId\":\"u-1\"}");
  }

  private static List<String> completed(SessionDatabases session) {
    return session.pollOutbound(COMPLETED).stream()
        .map(row -> (String) row.get("message_id"))
        .toList();
  }

  private static void assertReply(
      Map<String, Object> reply, String inReplyTo, String text, String threadId) {
    assertEquals(inReplyTo, reply.get("in_reply_to"));
    assertEquals("chat", reply.get("kind"));
    assertEquals("chat-42", reply.get("platform_id"));
    assertEquals("webhook", reply.get("channel_type"));
    assertEquals(threadId, reply.get("thread_id"));
    assertEquals("{\"text\": \"" + text + "\"}", reply.get("content"));
    assertTrue(
        ((String) reply.get("timestamp")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"),
        "timestamp " + reply.get("timestamp"));
  }

  private static Duration timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static String logText(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
