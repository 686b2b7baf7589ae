package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Gateway;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole path over HTTP: a real gateway with the real webhook and command plugin jars loaded
 * through PF4J, Javalin on a free port, the echo agent and a Python agent.
 */
class EndToEndTest {
  private static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "test-token-0123456789";

  @TempDir Path dir;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  @BeforeEach
  void start() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    for (String jar : List.of("webhook.jar", "command.jar")) {
      Path built = ROOT.resolve("plugins").resolve(jar);
      assertTrue(Files.exists(built), built + " is built by the plugins module before the gateway's tests");
      Files.copy(built, plugins.resolve(jar));
    }
    // A plugin built for a future API: refused and reported, while the others run.
    futurePlugin(plugins.resolve("future.jar"));
    String agent = ROOT.resolve("examples/agents/python/echo_agent.py").toAbsolutePath().toString();
    String yaml =
        """
        http: {maxBodyBytes: 4096}
        channels:
          webhook: {}
        agentGroups:
          - folder: main
            provider: echo
          - folder: python
            provider: command
            config: {command: python3, args: ["%s"]}
        wirings:
          - {channel: webhook, chat: "*", agentGroup: main}
          - {channel: webhook, chat: py, agentGroup: python, priority: 10, trigger: {stopOnMatch: true}}
        """
            .formatted(agent);
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", plugins.toString());
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", TOKEN);
    GatewayConfig config = new ConfigLoader(env).parse(yaml, "test.yaml");
    gateway = Gateway.start(config, Clock.systemUTC());
    base = "http://127.0.0.1:" + gateway.port();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void a_posted_message_is_answered_by_the_echo_agent() throws Exception {
    HttpResponse<String> posted = post(TOKEN, message("demo", "m-1", "hello"));
    assertEquals(202, posted.statusCode(), posted.body());
    JsonNode accepted = JSON.readTree(posted.body());
    assertEquals("stored", accepted.get("status").asText());
    assertEquals("m-1", accepted.get("id").asText());

    JsonNode page = fetch("demo", null, 20);
    JsonNode reply = page.get("messages").get(0);
    assertEquals("echo: hello", reply.get("text").asText());
    assertEquals("m-1", reply.get("replyTo").asText());
    assertEquals(1, reply.get("seq").asLong() % 2, "agents write odd seqs");
  }

  @Test
  void replies_in_one_chat_come_back_in_order_and_a_repeated_id_is_not_answered_twice() throws Exception {
    for (int i = 1; i <= 5; i++) {
      assertEquals(202, post(TOKEN, message("ordered", "m-" + i, "n" + i)).statusCode());
    }
    assertEquals("duplicate", JSON.readTree(post(TOKEN, message("ordered", "m-3", "n3")).body()).get("status").asText());
    List<String> texts = new ArrayList<>();
    String cursor = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (texts.size() < 5 && System.nanoTime() < deadline) {
      JsonNode page = fetch("ordered", cursor, 5);
      page.get("messages").forEach(m -> texts.add(m.get("text").asText()));
      cursor = page.get("cursor").asText();
    }
    assertEquals(List.of("echo: n1", "echo: n2", "echo: n3", "echo: n4", "echo: n5"), texts);
    JsonNode rest = fetch("ordered", cursor, 1);
    assertEquals(0, rest.get("messages").size(), "the repeated id got no second reply");
  }

  @Test
  void a_python_agent_started_by_the_command_provider_answers_through_the_files_alone() throws Exception {
    assertEquals(202, post(TOKEN, message("py", "p-1", "ping")).statusCode());
    JsonNode reply = fetch("py", null, 30).get("messages").get(0);
    assertEquals("py: ping", reply.get("text").asText());
    assertEquals("p-1", reply.get("replyTo").asText());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not JSON                      | 400 | {"chat":
          not an object                 | 400 | [1, 2, 3]
          no chat                       | 400 | {"sender": {"id": "u1"}, "text": "x"}
          blank chat                    | 400 | {"chat": " ", "sender": {"id": "u1"}, "text": "x"}
          no sender                     | 400 | {"chat": "c", "text": "x"}
          no text                       | 400 | {"chat": "c", "sender": {"id": "u1"}}
          text not a string             | 400 | {"chat": "c", "sender": {"id": "u1"}, "text": 5}
          control characters in chat    | 400 | {"chat": "a\\u0000b", "sender": {"id": "u1"}, "text": "x"}
          """)
  void bad_input_gets_4xx_and_stores_nothing(String name, int status, String body) throws Exception {
    HttpResponse<String> response = post(TOKEN, body);
    assertEquals(status, response.statusCode(), response.body());
    assertTrue(JSON.readTree(response.body()).has("error"), response.body());
    assertNothingStored();
  }

  @Test
  void a_wrong_or_missing_token_gets_401_and_stores_nothing() throws Exception {
    assertEquals(401, post("wrong-token", message("demo", "x", "hi")).statusCode());
    HttpResponse<String> none =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(message("demo", "x", "hi")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(401, none.statusCode());
    assertNothingStored();
  }

  @Test
  void a_body_over_the_limit_gets_413_and_stores_nothing() throws Exception {
    String huge = message("demo", "big", "x".repeat(10_000));
    assertEquals(413, post(TOKEN, huge).statusCode());
    assertNothingStored();
  }

  @Test
  void reading_an_unknown_chat_gets_404() throws Exception {
    HttpResponse<String> response = get("/webhooks/webhook/chats/never-seen/messages?wait=0");
    assertEquals(404, response.statusCode());
  }

  @Test
  void ready_reports_each_channel_and_plugin_and_a_refused_plugin_says_why() throws Exception {
    HttpResponse<String> ready = get("/ready");
    JsonNode body = JSON.readTree(ready.body());
    assertEquals("running", body.at("/channels/webhook/state").asText());
    assertEquals("STARTED", body.at("/plugins/webhook/state").asText());
    assertEquals("STARTED", body.at("/plugins/command/state").asText());
    assertTrue(body.at("/plugins/future/problem").asText().contains("needs plugin API >=2.0.0"), ready.body());
    assertFalse(body.get("ready").asBoolean());
    assertEquals(503, ready.statusCode(), "a refused plugin makes the gateway not ready");
    assertEquals(200, get("/health").statusCode());
  }

  @Test
  void metrics_count_inbound_outcomes_in_prometheus_text() throws Exception {
    post(TOKEN, message("metrics", "a", "one"));
    post(TOKEN, message("metrics", "a", "one"));
    fetch("metrics", null, 20);
    String text = get("/metrics").body();
    assertTrue(text.contains("switchboard_inbound_total{outcome=\"stored\"} 1"), text);
    assertTrue(text.contains("switchboard_inbound_total{outcome=\"duplicate\"} 1"), text);
    assertTrue(text.contains("switchboard_channel_up{channel=\"webhook\"} 1"), text);
  }

  private void assertNothingStored() throws Exception {
    String text = get("/metrics").body();
    assertTrue(text.contains("switchboard_inbound_total{outcome=\"stored\"} 0"), text);
    assertFalse(Files.exists(dir.resolve("data/sessions")) && Files.list(dir.resolve("data/sessions")).findAny().isPresent(),
        "no session folder was made");
  }

  private static String message(String chat, String id, String text) {
    return JSON.createObjectNode()
        .put("chat", chat)
        .put("id", id)
        .put("text", text)
        .set("sender", JSON.createObjectNode().put("id", "u1").put("name", "Ada"))
        .toString();
  }

  private HttpResponse<String> post(String token, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A long poll of the chat's replies after {@code cursor}, waiting up to {@code waitSeconds}. */
  private JsonNode fetch(String chat, String cursor, int waitSeconds) throws Exception {
    String query = "?wait=" + waitSeconds + (cursor == null ? "" : "&after=" + cursor);
    HttpResponse<String> response = get("/webhooks/webhook/chats/" + chat + "/messages" + query);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static void futurePlugin(Path jar) throws IOException {
    Manifest manifest = new Manifest();
    Attributes a = manifest.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", "future");
    a.putValue("Plugin-Version", "1.0.0");
    a.putValue("Plugin-Requires", ">=2.0.0");
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
      j.flush();
    }
  }
}
