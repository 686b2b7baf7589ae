package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
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
  void start() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    for (String jar : List.of("webhook.jar", "command.jar")) {
      Files.copy(ROOT.resolve("plugins").resolve(jar), plugins.resolve(jar));
    }
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
            .formatted(agent, CHAT);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", plugins.toString());
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", TOKEN);
    config = new ConfigLoader(env).parse(yaml, "test.yaml");
    startGateway();
  }

  private dev.switchboard.config.GatewayConfig config;

  private void startGateway() {
    gateway = Gateway.start(config, Clock.systemUTC());
    base = "http://127.0.0.1:" + gateway.port();
  }

  @Test
  void a_task_that_falls_due_while_the_gateway_is_down_runs_after_the_restart() throws Exception {
    post("remind 2 water the plants");
    next(m -> m.path("text").asText().startsWith("scheduled t-"));
    gateway.close();
    gateway = null;
    // The task falls due while nothing runs; the next start finds it due and wakes its agent.
    long due = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < due) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(100);
    }
    startGateway();
    assertEquals("task: water the plants", next(m -> m.path("text").asText().startsWith("task:")).get("text").asText());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void an_agent_in_python_uses_the_whole_contract_through_the_files_alone() throws Exception {
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
    Path session;
    try (Stream<Path> groups = Files.list(dir.resolve("data/sessions"));
        Stream<Path> sessions = Files.list(groups.findFirst().orElseThrow())) {
      session = sessions.findFirst().orElseThrow();
    }
    // messages_in.status follows the agent's acks within a tick of the supervisor.
    String statuses = "SELECT seq || ' ' || kind || ' ' || status FROM messages_in ORDER BY seq";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (rows(session.resolve("inbound.db"), statuses).stream().anyMatch(r -> r.endsWith(" pending"))
        && System.nanoTime() < deadline) {
      java.util.concurrent.TimeUnit.MILLISECONDS.sleep(50);
    }
    List<String> inbound = rows(session.resolve("inbound.db"), statuses);
    assertTrue(inbound.size() >= posted + 2, "messages, the task and the answer: " + inbound);
    for (String row : inbound) {
      String[] parts = row.split(" ");
      assertEquals(0, Long.parseLong(parts[0]) % 2, "host rows have even seqs: " + inbound);
      assertEquals("completed", parts[2], "every inbound row is completed: " + inbound);
    }
    assertTrue(inbound.stream().anyMatch(r -> r.contains(" task ")), inbound.toString());
    assertTrue(inbound.stream().anyMatch(r -> r.contains(" system ")), "the answer came as a system row");
    List<String> outbound = rows(session.resolve("outbound.db"), "SELECT seq FROM messages_out ORDER BY seq");
    outbound.forEach(seq -> assertEquals(1, Long.parseLong(seq) % 2, "agent rows have odd seqs: " + outbound));
    List<String> acks = rows(session.resolve("outbound.db"), "SELECT status FROM processing_ack");
    assertEquals(inbound.size(), acks.size());
    assertFalse(acks.contains("processing"));
    List<String> state = rows(session.resolve("outbound.db"), "SELECT key || '=' || value FROM session_state ORDER BY key");
    assertEquals(List.of("count=1"), state, "memory restarted at /clear");
    assertTrue(rows(session.resolve("inbound.db"), "SELECT id FROM messages_in WHERE kind = 'task'").contains(taskId));
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
