package dev.switchboard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Await;
import dev.switchboard.Gateway;
import dev.switchboard.WebhookClient;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway past its backlog bound: the real gateway in this process with the real webhook and
 * command plugin jars, and agents held back (the Python echo agent, started only once the test
 * releases it), so that exactly the messages taken wait unanswered until then.
 */
class LoadSheddingTest {
  private static final Path ROOT = Path.of(System.getProperty("switchboard.root", ".."));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "shedding-token-0123456789";
  private static final int MAX_BACKLOG = 4;
  private static final List<String> CHATS = List.of("c-0", "c-1", "c-2");
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Gateway gateway;
  private final HttpClient http = HttpClient.newHttpClient();
  private WebhookClient feeds;
  private String base;
  private Path release;

  @BeforeEach
  void start() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    for (String jar : List.of("webhook.jar", "command.jar")) {
      Path built = ROOT.resolve("plugins").resolve(jar);
      assertTrue(Files.exists(built), built + " is built by the plugins module before the gateway's tests");
      Files.copy(built, plugins.resolve(jar));
    }
    release = dir.resolve("release");
    String agent = ROOT.resolve("examples/agents/python/echo_agent.py").toAbsolutePath().toString();
    // The agent process waits for the release file before it becomes the echo agent; until then
    // every message taken stays due, so the backlog is exactly the messages taken.
    String yaml =
        """
        http:
          admission: {maxBacklog: %d, retryAfter: 7s}
        channels:
          webhook: {}
        agentGroups:
          - folder: held
            provider: command
            config:
              command: sh
              args: ["-c", "while [ ! -e \\"$RELEASE\\" ]; do sleep 0.05; done; exec python3 \\"$AGENT\\""]
              env: {RELEASE: "%s", AGENT: "%s", ECHO_PREFIX: "echo: "}
        wirings:
          - {channel: webhook, chat: "*", agentGroup: held}
        """
            .formatted(MAX_BACKLOG, release, agent);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("SWITCHBOARD_DATA_DIR", dir.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", plugins.toString());
    env.put("SWITCHBOARD_HTTP_PORT", "0");
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", TOKEN);
    GatewayConfig config = new ConfigLoader(env).parse(yaml, "test.yaml");
    gateway = Gateway.start(config, Clock.systemUTC());
    base = "http://127.0.0.1:" + gateway.port();
    feeds = new WebhookClient(http, URI.create(base), TOKEN);
  }

  @AfterEach
  void stop() throws Exception {
    if (!Files.exists(release)) {
      Files.createFile(release); // lets held agents end when the gateway stops them
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void past_the_backlog_bound_posts_get_503_with_retry_after_and_every_post_taken_is_answered()
      throws Exception {
    List<String> taken = new ArrayList<>();
    for (int i = 1; i <= MAX_BACKLOG; i++) {
      HttpResponse<String> answer = post(chat(i), "m-" + i);
      assertEquals(202, answer.statusCode(), answer.body());
      assertEquals("stored", JSON.readTree(answer.body()).get("status").asText(), answer.body());
      taken.add("m-" + i);
    }

    // The flood: every further post, to any chat, is shed at once, and nothing of it is stored.
    int flood = 12;
    for (int i = MAX_BACKLOG + 1; i <= MAX_BACKLOG + flood; i++) {
      HttpResponse<String> answer = post(chat(i), "m-" + i);
      assertEquals(503, answer.statusCode(), "m-" + i + ": " + answer.body());
      assertEquals("7", answer.headers().firstValue("Retry-After").orElse(null), "m-" + i);
      assertTrue(JSON.readTree(answer.body()).get("error").asText().contains("busy"), answer.body());
    }
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains("switchboard_inbound_shed_total{reason=\"backlog\"} " + flood), metrics);
    assertTrue(metrics.contains("switchboard_inbound_shed_total{reason=\"in_flight\"} 0"), metrics);
    assertTrue(metrics.contains("switchboard_inbound_total{outcome=\"stored\"} " + MAX_BACKLOG), metrics);
    assertEquals(new TreeSet<>(taken), storedIds(), "only the posts answered 202 are stored");
    // Long polls are never shed: reading a chat's replies works while inbound is refused.
    assertEquals(0, feeds.fetch(chat(1), null, 0).messages().size());

    Files.createFile(release);
    Map<String, String> replies = awaitReplies(taken);
    for (String id : taken) {
      assertTrue(replies.get(id).startsWith("echo: message "), id + ": " + replies.get(id));
    }

    // Once the agents have caught up, the backlog is empty again and posts are taken, without a
    // restart: a post that was shed is taken when sent again (it was never stored, so it is no
    // duplicate), and so is a new one; both are answered.
    Await.until(
        "the backlog is empty",
        ANSWER_TIMEOUT,
        () -> backlog() == 0,
        () -> uncheckedGet("/metrics"));
    String retried = "m-" + (MAX_BACKLOG + 1);
    HttpResponse<String> again = post(chat(MAX_BACKLOG + 1), retried);
    assertEquals(202, again.statusCode(), again.body());
    assertEquals("stored", JSON.readTree(again.body()).get("status").asText(), again.body());
    HttpResponse<String> fresh = post(chat(0), "after");
    assertEquals(202, fresh.statusCode(), fresh.body());
    List<String> all = new ArrayList<>(taken);
    all.add(retried);
    all.add("after");
    Map<String, String> everyReply = awaitReplies(all);
    assertEquals(new TreeSet<>(all), new TreeSet<>(everyReply.keySet()), "no reply to a post that was shed");
    assertEquals(new TreeSet<>(all), storedIds());
  }

  private static String chat(int i) {
    return CHATS.get(i % CHATS.size());
  }

  /** Waits until every chat's feed has a reply to each of {@code ids}; returns all replies by id. */
  private Map<String, String> awaitReplies(List<String> ids) throws Exception {
    Map<String, String> replies = new HashMap<>();
    Await.until(
        "every message taken is answered",
        ANSWER_TIMEOUT,
        () -> {
          replies.clear();
          for (String chat : CHATS) {
            try {
              for (WebhookClient.Reply reply : feeds.fetchAll(chat)) {
                replies.put(reply.replyTo(), reply.text());
              }
            } catch (WebhookClient.Refused e) {
              // 404: no message of this chat was taken yet.
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return replies.keySet().containsAll(ids);
        },
        () -> "replies so far: " + replies + "\n" + uncheckedGet("/metrics"));
    return replies;
  }

  /** The ids of every inbound row in every session's inbound.db. */
  private Set<String> storedIds() throws Exception {
    Set<String> ids = new TreeSet<>();
    Path sessions = dir.resolve("data/sessions");
    if (!Files.exists(sessions)) {
      return ids;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sessions)) {
      files = walk.filter(p -> p.getFileName().toString().equals("inbound.db")).toList();
    }
    for (Path file : files) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id FROM messages_in WHERE kind = 'chat'")) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      }
    }
    return ids;
  }

  private long backlog() {
    long total = 0;
    for (String line : uncheckedGet("/metrics").split("\n")) {
      if (line.startsWith("switchboard_backlog{")) {
        total += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
      }
    }
    return total;
  }

  private HttpResponse<String> post(String chat, String id) throws Exception {
    String body =
        JSON.createObjectNode()
            .put("chat", chat)
            .put("id", id)
            .put("text", "message " + id)
            .set("sender", JSON.createObjectNode().put("id", "u1").put("name", "Ada"))
            .toString();
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/webhooks/webhook"))
            .timeout(ANSWER_TIMEOUT)
            .header("Authorization", "Bearer " + TOKEN)
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

  private String uncheckedGet(String path) {
    try {
      return get(path).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
