package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Await;
import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.store.Times;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session contract end to end, with an agent in another language: a Python program that knows
 * nothing but the two SQLite files and its environment (examples/agents/python/contract_agent.py)
 * answers chat messages, keeps memory in session_state, clears it on /clear, schedules a task,
 * asks a question and acts on the answer, and edits a message it sent. Everything goes over HTTP
 * through the real webhook channel.
 */
class ContractEndToEndTest {
  private static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "contract-token-0123456789";
  private static final String CHAT = "contract-chat";

  @TempDir Path dir;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;
  private String cursor;
  private int posted;

  @BeforeEach
  void prepare() throws Exception {
    plugins = Files.createDirectories(dir.resolve("plugins"));
    for (String jar : List.of("webhook.jar", "command.jar")) {
      Files.copy(ROOT.resolve("plugins").resolve(jar), plugins.resolve(jar));
    }
  }

  private Path plugins;
  private GatewayConfig config;

  /** Starts a gateway with the Python agent wired to the chat, and {@code settings} on top. */
  private void startWith(String settings) {
    String agent = ROOT.resolve("examples/agents/python/contract_agent.py").toAbsolutePath().toString();
    String yaml =
        """
        channels:
          webhook: {}
        agentGroups:
          - folder: contract
            provider: command
            config: {command: python3, args: ["%s"]}
        wirings:
          - {channel: webhook, chat: %s, agentGroup: contract}
        """
            .formatted(agent, CHAT)
            + settings;
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", plugins.toString());
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", TOKEN);
    config = new ConfigLoader(env).parse(yaml, "test.yaml");
    startGateway();
  }

  private void startGateway() {
    gateway = Gateway.start(config, Clock.systemUTC());
    base = "http://127.0.0.1:" + gateway.port();
  }

  @Test
  void a_task_that_falls_due_while_the_gateway_is_down_runs_after_the_restart() throws Exception {
    startWith("");
    post("remind 2 water the plants");
    String taskId = next(m -> m.path("text").asText().startsWith("scheduled t-")).get("text").asText().substring(10);
    Instant due = Times.parse(dueTimes(taskId).getFirst());
    gateway.close();
    gateway = null;

    // The task falls due while nothing runs; the next start finds it due and wakes its agent.
    Await.until("the task's time passes with the gateway down", Duration.ofSeconds(10),
        () -> Instant.now().isAfter(due.plusMillis(500)));
    startGateway();

    assertEquals("task: water the plants", next(m -> m.path("text").asText().startsWith("task:")).get("text").asText());
  }

  @Test
  void the_failure_paths_reach_the_sender_or_the_agent_and_change_nothing_else() throws Exception {
    ZoneId zone = ZoneId.of("Pacific/Chatham");
    startWith(
        """
        timezone: Pacific/Chatham
        questions: {expireAfter: 2s}
        files: {maxOutboundBytes: 1024}
        """);

    // A chat the agent group may not use: the delivery fails for good and the agent is told.
    post("send elsewhere psst");
    assertTrue(next(m -> m.path("text").asText().startsWith("noted failure of")).get("text").asText().length() > 16);

    // A file over the limit fails, the agent is told why, and its outbox folder is removed.
    post("file 5000");
    next(m -> m.path("text").asText().startsWith("noted failure of"));
    Path session = session();
    assertTrue(
        inbound(session, "SELECT content FROM messages_in WHERE kind = 'system'").stream()
            .anyMatch(c -> c.contains("delivery_failed") && c.contains("5000 bytes, over the limit of 1024 bytes")),
        "the agent's notice names the size and the limit");
    try (Stream<Path> outbox = Files.list(session.resolve("outbox"))) {
      assertEquals(List.of(), outbox.toList(), "outbox folders are removed once their row is final");
    }

    // An answer after the question expired is refused over HTTP and reaches no one.
    post("ask");
    String questionId = next(m -> m.path("kind").asText().equals("question")).get("question").get("questionId").asText();
    Instant asked = Instant.now();
    Await.until("the question expires", Duration.ofSeconds(10), () -> Instant.now().isAfter(asked.plusSeconds(3)));
    HttpResponse<String> late = answer(questionId, "red");
    assertEquals(409, late.statusCode(), late.body());
    assertTrue(JSON.readTree(late.body()).get("error").asText().contains("expired"), late.body());
    post("hello");
    assertEquals("said: hello (#1)", next(m -> m.path("text").asText().startsWith("said:")).get("text").asText(),
        "the next reply is the next message's: the late answer never reached the agent");

    // A recurring task is read in the configured zone: 07:30 in Chatham, whatever UTC says.
    post("every 30 7 * * * | morning");
    String taskId = next(m -> m.path("text").asText().startsWith("scheduled r-")).get("text").asText().substring(10);
    Await.until("the task row is stored", Duration.ofSeconds(10),
        () -> !inbound(session, "SELECT id FROM messages_in WHERE id = '" + taskId + "'").isEmpty());
    Instant expected =
        ZonedDateTime.now(zone).withHour(7).withMinute(30).withSecond(0).withNano(0).toInstant();
    if (!expected.isAfter(Instant.now())) {
      expected = ZonedDateTime.ofInstant(expected, zone).plusDays(1).withHour(7).withMinute(30).toInstant();
    }
    assertEquals(List.of(Times.formatSeconds(expected)), dueTimes(taskId));
  }

  private List<String> dueTimes(String taskId) throws Exception {
    return inbound(session(), "SELECT process_after FROM messages_in WHERE id = '" + taskId + "'");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void an_agent_in_python_uses_the_whole_contract_through_the_files_alone() throws Exception {
    startWith("");
    // Replies: odd seqs, in_reply_to the message, memory in session_state.
    String first = post("hello");
    JsonNode reply = next(m -> m.path("text").asText().startsWith("said: hello"));
    assertEquals("said: hello (#1)", reply.get("text").asText());
    assertEquals(first, reply.get("replyTo").asText());
    assertEquals(1, reply.get("seq").asLong() % 2);
    post("hello");
    assertEquals("said: hello (#2)", next(m -> m.path("text").asText().startsWith("said:")).get("text").asText());

    // /clear reaches the agent (the chat has no admin, so nothing is gated) and clears its state.
    post("/clear");
    assertEquals("cleared", next(m -> m.path("text").asText().equals("cleared")).get("text").asText());
    post("hello");
    assertEquals("said: hello (#1)", next(m -> m.path("text").asText().startsWith("said:")).get("text").asText());

    // A task the agent schedules fires at its time, as a task row the agent answers.
    post("remind 1 stretch");
    String scheduled = next(m -> m.path("text").asText().startsWith("scheduled t-")).get("text").asText();
    assertEquals("task: stretch", next(m -> m.path("text").asText().startsWith("task:")).get("text").asText());

    // A question: rendered with its options, answered over HTTP, the answer reaches the agent.
    post("ask");
    JsonNode question = next(m -> m.path("kind").asText().equals("question")).get("question");
    String questionId = question.get("questionId").asText();
    assertEquals("Red or blue?", question.get("question").asText());
    assertEquals("blue", question.get("options").get(1).get("value").asText());
    HttpResponse<String> answered = answer(questionId, "blue");
    assertEquals(202, answered.statusCode(), answered.body());
    assertEquals("you chose blue", next(m -> m.path("text").asText().startsWith("you chose")).get("text").asText());
    assertEquals("duplicate", JSON.readTree(answer(questionId, "blue").body()).get("status").asText());
    HttpResponse<String> unknown = answer("q-never-asked", "red");
    assertEquals(409, unknown.statusCode());
    assertTrue(JSON.readTree(unknown.body()).get("error").asText().contains("not open"), unknown.body());

    // An integrator's event reaches the agent as a row of kind webhook; a repeat is stored once.
    String event =
        "{\"chat\": \"" + CHAT + "\", \"id\": \"ev-1\", \"source\": \"ci\", \"event\": \"build_failed\","
            + " \"payload\": {\"branch\": \"main\"}}";
    HttpResponse<String> stored = send(HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook/events"))
        .POST(HttpRequest.BodyPublishers.ofString(event)));
    assertEquals(202, stored.statusCode(), stored.body());
    assertEquals("stored", JSON.readTree(stored.body()).get("status").asText());
    assertEquals("event ci/build_failed: {\"branch\": \"main\"}",
        next(m -> m.path("text").asText().startsWith("event ")).get("text").asText());
    HttpResponse<String> again = send(HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook/events"))
        .POST(HttpRequest.BodyPublishers.ofString(event)));
    assertEquals("duplicate", JSON.readTree(again.body()).get("status").asText());

    // An edit of a message the agent sent, named by its seq and mapped through `delivered`.
    post("edit");
    JsonNode draft = next(m -> m.path("text").asText().equals("draft"));
    JsonNode edit = next(m -> m.path("kind").asText().equals("edit"));
    assertEquals("final", edit.get("text").asText());
    assertEquals(draft.get("id").asText(), edit.get("target").asText());

    assertSessionFilesFollowTheContract(scheduled.substring("scheduled ".length()));
  }

  /** Even seqs in messages_in, odd in messages_out, every row done and acked by the agent. */
  private void assertSessionFilesFollowTheContract(String taskId) throws Exception {
    Path session = session();
    // messages_in.status follows the agent's acks within a tick of the supervisor.
    String statuses = "SELECT seq || ' ' || kind || ' ' || status FROM messages_in ORDER BY seq";
    Await.until("every inbound row is marked done", Duration.ofSeconds(10),
        () -> inbound(session, statuses).stream().noneMatch(r -> r.endsWith(" pending")));
    List<String> inbound = rows(session.resolve("inbound.db"), statuses);
    assertTrue(inbound.size() >= posted + 2, "messages, the task and the answer: " + inbound);
    for (String row : inbound) {
      String[] parts = row.split(" ");
      assertEquals(0, Long.parseLong(parts[0]) % 2, "host rows have even seqs: " + inbound);
      assertEquals("completed", parts[2], "every inbound row is completed: " + inbound);
    }
    assertTrue(inbound.stream().anyMatch(r -> r.contains(" task ")), inbound.toString());
    assertTrue(inbound.stream().anyMatch(r -> r.contains(" system ")), "the answer came as a system row");
    assertEquals(
        List.of("{\"source\":\"ci\",\"event\":\"build_failed\",\"payload\":{\"branch\":\"main\"}}"),
        rows(session.resolve("inbound.db"), "SELECT content FROM messages_in WHERE kind = 'webhook'"),
        "the event's row, once, in the contract's form");
    List<String> outbound = rows(session.resolve("outbound.db"), "SELECT seq FROM messages_out ORDER BY seq");
    outbound.forEach(seq -> assertEquals(1, Long.parseLong(seq) % 2, "agent rows have odd seqs: " + outbound));
    List<String> acks = rows(session.resolve("outbound.db"), "SELECT status FROM processing_ack");
    assertEquals(inbound.size(), acks.size());
    assertFalse(acks.contains("processing"));
    List<String> state = rows(session.resolve("outbound.db"), "SELECT key || '=' || value FROM session_state ORDER BY key");
    assertEquals(List.of("count=1"), state, "memory restarted at /clear");
    assertTrue(rows(session.resolve("inbound.db"), "SELECT id FROM messages_in WHERE kind = 'task'").contains(taskId));

    // Neither side holds a file open between units of work: once the session is quiet, the
    // gateway (this process) lets go of its files.
    Await.until("the gateway holds no session file open", Duration.ofSeconds(15),
        () -> openFiles().stream().noneMatch(f -> f.startsWith(session.toString())), () -> openFiles().toString());
  }

  private static List<String> openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      List<String> open = new ArrayList<>();
      for (Path fd : fds.toList()) {
        try {
          open.add(Files.readSymbolicLink(fd).toString());
        } catch (java.io.IOException e) {
          // closed between the listing and the look
        }
      }
      return open;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The chat's one session folder. */
  private Path session() throws Exception {
    try (Stream<Path> groups = Files.list(dir.resolve("data/sessions"));
        Stream<Path> sessions = Files.list(groups.findFirst().orElseThrow())) {
      return sessions.findFirst().orElseThrow();
    }
  }

  private static List<String> inbound(Path session, String sql) {
    try {
      return rows(session.resolve("inbound.db"), sql);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> rows(Path db, String sql) throws Exception {
    List<String> result = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        result.add(r.getString(1));
      }
    }
    return result;
  }

  private String post(String text) throws Exception {
    String id = "m-" + (++posted);
    String body =
        JSON.createObjectNode().put("chat", CHAT).put("id", id).put("text", text)
            .set("sender", JSON.createObjectNode().put("id", "u1").put("name", "Ada")).toString();
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook"))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(202, response.statusCode(), response.body());
    return id;
  }

  private HttpResponse<String> answer(String questionId, String option) throws Exception {
    String body =
        JSON.createObjectNode().put("chat", CHAT).put("questionId", questionId).put("option", option)
            .set("sender", JSON.createObjectNode().put("id", "u1")).toString();
    return send(HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook/answers"))
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The next reply in the chat that matches, reading the feed in order (deadline 20 s). */
  private JsonNode next(Predicate<JsonNode> wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          send(HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook/chats/" + CHAT + "/messages?wait=5&limit=1"
              + (cursor == null ? "" : "&after=" + cursor))).GET());
      assertEquals(200, response.statusCode(), response.body());
      JsonNode page = JSON.readTree(response.body());
      cursor = page.get("cursor").asText();
      for (JsonNode message : page.get("messages")) {
        if (wanted.test(message)) {
          return message;
        }
      }
    }
    throw new AssertionError("no matching reply within 20 s");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
