package dev.switchboard.faults.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.FaultReport;
import dev.switchboard.faults.JvmProbe;
import dev.switchboard.faults.RawHttp;
import dev.switchboard.faults.StoreSnapshot;
import dev.switchboard.faults.hostile.HostileRequests.Hostile;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input against the real gateway (a separate JVM) running the webhook channel, Telegram in
 * webhook mode and Slack on the Events API, both pointed at a loopback stand-in of their APIs.
 * Every request of {@link HostileRequests} must get a 4xx (a badly signed Slack request exactly 401,
 * while the correctly signed control event gets 200); afterwards the store holds exactly what
 * the well-formed control messages put there, no file appeared anywhere in the test's folder
 * outside the data folder, and a burst of thousands of such requests leaves the gateway's thread
 * count and live heap flat.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HostileInputTest {
  private static final int BURST_ROUNDS = 25;
  private static final int BURST_THREADS = 8;
  private static final int THREAD_MARGIN = 8;
  private static final long HEAP_MARGIN_KIB = 12 * 1024;
  private static final long MAX_BODY_BYTES = 1024 * 1024;

  @TempDir static Path folder;
  private PlatformApis apis;
  private GatewayProcess gateway;
  private RawHttp http;
  private HostileRequests requests;
  private Map<String, Long> baselineCounts;
  private TreeSet<String> baselineData;
  private TreeSet<String> baselineOutside;
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private String leakNote = "burst not run";

  @BeforeAll
  void start_the_gateway_and_send_good_messages_first() throws Exception {
    String telegramSecret = "tg_" + random();
    String slackSecret = random();
    apis = new PlatformApis();
    gateway = GatewayProcess.withConfig(folder.resolve("gateway"), config(telegramSecret, slackSecret));
    gateway.start();
    http = new RawHttp(gateway.port(), Duration.ofSeconds(30));
    requests = new HostileRequests(gateway.token(), telegramSecret, slackSecret, MAX_BODY_BYTES);
    sendControls(slackSecret, telegramSecret);
    baselineCounts = StoreSnapshot.counts(gateway.dataDir());
    baselineData = StoreSnapshot.files(gateway.dataDir());
    baselineOutside = outsideDataDir();
  }

  private String config(String telegramSecret, String slackSecret) {
    return """
        http:
          host: 127.0.0.1
          maxBodyBytes: %d
        channels:
          webhook: {}
          telegram:
            token: "123456:hostile-test-token"
            apiUrl: %s
            mode: webhook
            webhook:
              publicUrl: https://bot.example.invalid/webhooks/telegram/update
              secret: "%s"
          slack:
            botToken: xoxb-hostile-test
            signingSecret: "%s"
            mode: events
            apiUrl: %s
        agentGroups:
          - folder: main
            name: Main
            provider: echo
        wirings:
          - {channel: webhook, chat: "*", agentGroup: main}
          - {channel: telegram, chat: "*", agentGroup: main}
          - {channel: slack, chat: "*", agentGroup: main}
        """
        .formatted(MAX_BODY_BYTES, apis.telegramUrl(), telegramSecret, slackSecret, apis.slackUrl());
  }

  /**
   * Well-formed traffic on every channel first, answered 2xx and replied to: the refusals below
   * are then refusals of the input, not of a channel that does not work.
   */
  private void sendControls(String slackSecret, String telegramSecret) throws Exception {
    Map<String, String> bearer = Map.of("Authorization", "Bearer " + gateway.token());
    RawHttp.Answer webhook =
        http.post("/webhooks/webhook", bearer, HostileRequests.utf8(HostileRequests.message("control", "hi")));
    assertEquals(202, webhook.status(), "the control message: " + webhook);
    RawHttp.Answer replies = http.get("/webhooks/webhook/chats/control/messages?wait=30", bearer);
    assertTrue(replies.text().contains("echo: hi"), "the control reply: " + replies);

    byte[] update = HostileRequests.utf8(HostileRequests.telegramUpdate(1, 4242, "hi"));
    RawHttp.Answer telegram =
        http.post("/webhooks/telegram/update", Map.of(HostileRequests.TELEGRAM_SECRET_HEADER, telegramSecret), update);
    assertEquals(200, telegram.status(), "the control update: " + telegram);

    long now = Instant.now().getEpochSecond();
    byte[] event = HostileRequests.utf8(HostileRequests.slackMessage("C0000001", "hi", "1700000000.000001"));
    RawHttp.Answer slack =
        http.post("/webhooks/slack/events", requests.slackHeaders(now, HostileRequests.sign(slackSecret, now, event)), event);
    assertEquals(200, slack.status(), "the control event: " + slack);

    awaitCall("telegram:sendmessage");
    awaitCall("slack:chat.postMessage");
  }

  private void awaitCall(String call) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!apis.calls().contains(call)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + call + " within 60 s; calls: " + apis.calls() + "\n" + gateway.logTail(80));
      }
      Await.pause(Duration.ofMillis(50));
    }
  }

  Stream<Hostile> hostile() {
    return requests.all().stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void a_hostile_request_is_refused_with_a_4xx(Hostile request) throws Exception {
    RawHttp.Answer answer = send(request);
    assertTrue(
        request.refusedBy(answer.status()),
        request.name() + " was answered " + answer
            + (request.status() == 0 ? "" : ", not " + request.status()) + "\n" + gateway.logTail(30));
  }

  @Order(2)
  @Test
  void a_burst_of_hostile_requests_leaves_threads_and_heap_flat() throws Exception {
    long pid = gateway.pid();
    // jcmd's first attach starts the JVM's attach listener thread: count it in the baseline.
    long heapBefore = JvmProbe.liveHeapKib(pid);
    int threadsBefore = JvmProbe.threads(pid);
    List<Hostile> all = requests.all();
    List<Hostile> burst = new ArrayList<>();
    for (int i = 0; i < BURST_ROUNDS; i++) {
      burst.addAll(all);
    }
    long started = System.nanoTime();
    List<String> wrong = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(BURST_THREADS)) {
      List<Future<String>> answers = new ArrayList<>();
      for (Hostile request : burst) {
        answers.add(pool.submit(() -> {
          RawHttp.Answer answer = send(request);
          return request.refusedBy(answer.status()) ? null : request.name() + ": " + answer;
        }));
      }
      for (Future<String> answer : answers) {
        String problem = answer.get(2, TimeUnit.MINUTES);
        if (problem != null && wrong.size() < 20) {
          wrong.add(problem);
        }
      }
    }
    long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);
    assertTrue(wrong.isEmpty(), "answered other than 4xx in the burst: " + wrong);

    // Threads a busy moment added may take a while to be retired; wait for them, bounded.
    int threadsAfter = JvmProbe.threads(pid);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (threadsAfter > threadsBefore + THREAD_MARGIN && System.nanoTime() < deadline) {
      Await.pause(Duration.ofMillis(500));
      threadsAfter = JvmProbe.threads(pid);
    }
    long heapAfter = JvmProbe.liveHeapKib(pid);
    leakNote =
        "burst of " + burst.size() + " in " + seconds + " s; threads " + threadsBefore + " then "
            + threadsAfter + "; live heap " + heapBefore / 1024 + " then " + heapAfter / 1024 + " MiB";
    assertTrue(
        threadsAfter <= threadsBefore + THREAD_MARGIN,
        "the gateway's threads grew from " + threadsBefore + " to " + threadsAfter);
    assertTrue(
        heapAfter <= heapBefore + HEAP_MARGIN_KIB,
        "the gateway's live heap grew from " + heapBefore + " KiB to " + heapAfter + " KiB");
  }

  @Order(3)
  @Test
  void nothing_was_stored_and_no_file_appeared() throws Exception {
    // Anything accepted by mistake would be routed within moments; give it the time to show.
    RawHttp.Answer ready = http.get("/ready", Map.of());
    assertEquals(200, ready.status(), "the gateway is still ready: " + ready);
    assertEquals(baselineCounts, StoreSnapshot.counts(gateway.dataDir()), "rows of the store");
    assertEquals(baselineData, StoreSnapshot.files(gateway.dataDir()), "files of the data folder");
    assertEquals(baselineOutside, outsideDataDir(), "files outside the data folder");
    assertTrue(
        gateway.log().lines().noneMatch(line -> line.contains(gateway.token())),
        "the webhook token is never in the log");
  }

  @AfterAll
  void record_and_stop() {
    try {
      if (gateway != null && sent.get() > 0) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.get()));
        StringBuilder codes = new StringBuilder();
        byStatus.forEach((status, count) -> codes.append(codes.isEmpty() ? "" : ", ").append(count).append("× ").append(status));
        FaultReport.record(
            new FaultReport.Row(
                "hostile input (webhook, Telegram, Slack, server routes)",
                sent.get(),
                requests.all().size() + " kinds of malformed, oversized, forged, replayed and path-trick requests",
                0,
                0,
                Duration.ZERO,
                "answers " + codes + "; " + exact() + "; store and files unchanged; " + leakNote));
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      if (apis != null) {
        apis.close();
      }
    }
  }

  private RawHttp.Answer send(Hostile request) throws IOException {
    RawHttp.Answer answer =
        request.body() == null && request.method().equals("GET")
            ? http.sendRawTarget("GET", request.target(), request.headers(), null)
            : http.sendRawTarget(request.method(), request.target(), request.headers(), request.body());
    sent.incrementAndGet();
    statuses.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
    return answer;
  }

  /** The kinds of request that must get one status exactly, by status. */
  private String exact() {
    Map<Integer, Long> kinds = new TreeMap<>();
    requests.all().stream()
        .filter(r -> r.status() != 0)
        .forEach(r -> kinds.merge(r.status(), 1L, Long::sum));
    StringBuilder text = new StringBuilder();
    kinds.forEach(
        (status, count) ->
            text.append(text.isEmpty() ? "" : ", ").append(count).append(" kinds exactly ").append(status));
    return text + " (Slack: bad signature or timestamp)";
  }

  /** Every file in the test's folder that is not in the data folder, logs left out. */
  private TreeSet<String> outsideDataDir() {
    TreeSet<String> files = StoreSnapshot.files(folder);
    Path data = folder.relativize(gateway.dataDir());
    files.removeIf(name -> name.startsWith(data + "/") || name.equals(data + "/"));
    files.removeIf(name -> name.endsWith("gateway.log") || name.endsWith("gateway.out"));
    return files;
  }

  private static String random() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

}
