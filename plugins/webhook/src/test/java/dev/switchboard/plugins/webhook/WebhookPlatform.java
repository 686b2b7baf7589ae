package dev.switchboard.plugins.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugin.testkit.PlatformDriver;
import dev.switchboard.plugin.testkit.PlatformFailure;
import dev.switchboard.plugin.testkit.PlatformMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The webhook channel's "platform": an integrator that POSTs messages and answers to questions to
 * the channel's own routes (called directly, as the gateway's HTTP server would) and receives
 * replies at a callback URL on loopback, answering each as scripted.
 */
final class WebhookPlatform implements PlatformDriver {
  static final String TOKEN = "conformance-token-0123456789";
  private static final String THREAD_PREFIX = "webhook-platform-";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Answer(int status, String retryAfter) {}

  /** A question the callback received: its id and its options' values by label. */
  private record Asked(String questionId, Map<String, String> values) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<String, String> bodies = new ConcurrentHashMap<>();
  private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
  private final Map<String, Asked> questions = new ConcurrentHashMap<>();
  private final AtomicReference<Answer> nextAnswer = new AtomicReference<>();
  private volatile WebhookRoute submit;
  private volatile WebhookRoute answers;

  WebhookPlatform() throws IOException {
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            task -> new Thread(task, THREAD_PREFIX + threads.incrementAndGet()));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/replies", this::callback);
    server.setExecutor(executor);
    server.start();
  }

  String callbackUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/replies";
  }

  @Override
  public Set<Feature> features() {
    return EnumSet.of(
        Feature.THREADS,
        Feature.MENTIONS,
        Feature.DIRECT_MESSAGES,
        Feature.REPLIES,
        Feature.BUTTON_PRESSES);
  }

  @Override
  public void channelCreated(Channel channel) {
    submit = route(channel, "");
    answers = route(channel, "answers");
  }

  private static WebhookRoute route(Channel channel, String path) {
    return channel.webhookRoutes().stream()
        .filter(r -> r.method() == WebhookRoute.Method.POST && r.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the channel has no POST route '" + path + "'"));
  }

  @Override
  public String send(PlatformMessage message) {
    String id = "m-" + ids.incrementAndGet();
    ObjectNode body = JSON.createObjectNode().put("chat", message.chat()).put("id", id);
    body.put("thread", message.thread());
    body.putObject("sender").put("id", message.sender().id()).put("name", message.sender().name());
    body.put("text", message.text()).put("mention", message.mention());
    body.put("direct", message.direct());
    if (message.replyTo() != null) {
      body.putObject("replyTo").put("id", message.replyTo());
    }
    bodies.put(id, body.toString());
    post(submit, body.toString());
    return id;
  }

  @Override
  public void redeliver(String messageId) {
    post(submit, bodies.get(messageId));
  }

  @Override
  public void pressButton(ReceivedMessage question, String label, Sender user) {
    Asked asked = questions.get(question.platformMessageId());
    ObjectNode body =
        JSON.createObjectNode()
            .put("chat", question.chat())
            .put("questionId", asked.questionId())
            .put("option", asked.values().get(label))
            .put("id", "press-" + ids.incrementAndGet());
    body.put("thread", question.thread());
    body.putObject("sender").put("id", user.id()).put("name", user.name());
    post(answers, body.toString());
  }

  private static void post(WebhookRoute route, String body) {
    WebhookRequest request =
        new WebhookRequest(
            "POST",
            "/webhooks/webhook",
            Map.of(),
            Map.of(),
            Map.of("Authorization", List.of("Bearer " + TOKEN)),
            body.getBytes(UTF_8),
            "127.0.0.1");
    WebhookResponse response = route.handler().handle(request);
    if (response.status() != 202) {
      throw new AssertionError(
          "the channel answered " + response.status() + ": " + new String(response.body(), UTF_8));
    }
  }

  @Override
  public List<ReceivedMessage> received() {
    return List.copyOf(received);
  }

  @Override
  public OptionalInt maxTextLength() {
    return OptionalInt.empty();
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    nextAnswer.set(
        switch (failure) {
          case PlatformFailure.RateLimited limited ->
              new Answer(429, Long.toString(limited.retryAfter().toSeconds()));
          case PlatformFailure.ServerError error -> new Answer(503, null);
          case PlatformFailure.AuthFailure auth -> new Answer(401, null);
        });
  }

  @Override
  public boolean ownsThread(Thread thread) {
    return thread.getName().startsWith(THREAD_PREFIX);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void callback(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      String body = new String(in.readAllBytes(), UTF_8);
      Answer answer = nextAnswer.getAndSet(null);
      if (answer == null) {
        received.add(message(JSON.readTree(body)));
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      if (answer.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
      }
      exchange.sendResponseHeaders(answer.status(), -1);
    }
  }

  /** A reply entry as the platform-neutral view the suite reads. */
  private ReceivedMessage message(JsonNode entry) {
    String chat = entry.path("chat").asText();
    String thread = entry.path("thread").isNull() ? null : entry.path("thread").asText();
    String id = entry.path("id").asText();
    return switch (entry.path("kind").asText()) {
      case "edit" -> ReceivedMessage.edit(chat, entry.path("target").asText(), text(entry));
      case "reaction" ->
          ReceivedMessage.reaction(
              chat, entry.path("target").asText(), entry.path("emoji").asText());
      case "question" -> {
        JsonNode question = entry.path("question");
        List<String> labels = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        question
            .path("options")
            .forEach(
                option -> {
                  labels.add(option.path("label").asText());
                  values.put(option.path("label").asText(), option.path("value").asText());
                });
        questions.put(id, new Asked(question.path("questionId").asText(), values));
        yield ReceivedMessage.question(
            chat, thread, id, question.path("question").asText(), labels);
      }
      default -> ReceivedMessage.text(chat, thread, id, text(entry));
    };
  }

  private static String text(JsonNode entry) {
    return entry.path("text").asText();
  }
}
