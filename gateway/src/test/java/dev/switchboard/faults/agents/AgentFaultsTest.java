package dev.switchboard.faults.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import dev.switchboard.WebhookClient;
import dev.switchboard.WebhookClient.Reply;
import dev.switchboard.faults.FaultReport;
import dev.switchboard.faults.agents.GatewayState.InboundState;
import dev.switchboard.faults.agents.GatewayState.SessionRef;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faulty agents next to well-behaved ones, in the real gateway process, over the webhook channel.
 * Each fault has its own agent group and chat, run by {@code faulty_agent.py} through the {@code
 * command} provider: it crashes on a message, hangs on one (holding outbound.db's write lock, no
 * heartbeat, deaf to SIGTERM), stops taking messages, answers with content that is not JSON, with
 * an even seq, or with a flood of rows. Meanwhile four well-behaved sessions (two built-in echo
 * agents, two Python agents) are probed without pause.
 *
 * <p>What must hold: the gateway stays up and ready; a message an agent dies on, hangs on or never
 * takes is retried with backoff and failed after {@code maxTries}, its agent restarted each time,
 * and the chat told; a row the gateway cannot send is failed and the agent told (which the faulty
 * agent echoes into the chat as {@code told: <error>}); a flood arrives whole and in order; every
 * faulty session answers again afterwards; and the well-behaved sessions lose nothing and keep
 * answering promptly throughout.
 */
class AgentFaultsTest {
  private static final int MAX_TRIES = 3;
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  private static final int FLOOD_ROWS = 1000;
  private static final List<String> GOOD_CHATS =
      List.of("good-echo-1", "good-echo-2", "good-py-1", "good-py-2");
  private static final List<String> RETRIED = List.of("crash", "hang", "noack");
  private static final List<String> FAULTS =
      List.of("crash", "hang", "noack", "badjson", "evenseq", "flood");
  /** The longest round trip of a well-behaved session that still counts as prompt. */
  private static final Duration PROMPT = Duration.ofSeconds(3);
  private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(75);

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void faulty_agents_are_restarted_or_refused_and_reported_while_the_other_sessions_keep_answering()
      throws Exception {
    long began = System.nanoTime();
    GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config());
    gateway.start();
    WebhookClient client = gateway.webhook();
    GatewayState state = new GatewayState(gateway.dataDir());

    // Every session answers once first: its agent runs, and its folder exists.
    Map<String, ChatFeed> feeds = new LinkedHashMap<>();
    for (String chat : Stream.concat(GOOD_CHATS.stream(), FAULTS.stream().map(f -> "fault-" + f)).toList()) {
      feeds.put(chat, new ChatFeed(client, chat));
      assertEquals(202, client.post(chat, "hello-" + chat, "hello").status());
    }
    for (ChatFeed feed : feeds.values()) {
      Optional<Reply> hello = feed.awaitAnswerTo("hello-" + feed.chat(), Duration.ofSeconds(30));
      assertTrue(hello.isPresent(), feed.chat() + " answers before any fault");
      assertTrue(hello.get().text().endsWith("hello"), hello.get().toString());
    }
    Map<String, SessionRef> sessions = new LinkedHashMap<>();
    for (String fault : FAULTS) {
      sessions.put(fault, state.session("fault-" + fault).orElseThrow());
    }

    Watch watch = new Watch(gateway, state, sessions);
    Probes probes = new Probes();
    watch.start();
    probes.start(client, GOOD_CHATS);
    Map<String, Long> injectedAt = new LinkedHashMap<>();
    for (String fault : FAULTS) {
      injectedAt.put(fault, System.nanoTime());
      assertEquals(202, client.post("fault-" + fault, "fault-" + fault, "fault " + fault).status());
    }

    // Each outcome is awaited on its own thread (each reads only its own chat), so that every
    // time is taken when that outcome happens.
    Map<String, Future<Duration>> outcomes = new LinkedHashMap<>();
    Duration flood;
    try (ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String fault : RETRIED) {
        outcomes.put(fault, waiters.submit(
            () -> retriedFailedAndTold(fault, sessions.get(fault), feeds, state, watch, injectedAt)));
      }
      outcomes.put("badjson", waiters.submit(() -> agentTold("badjson", "content is not JSON", feeds, injectedAt)));
      outcomes.put("evenseq", waiters.submit(() -> agentTold("evenseq", "even seq", feeds, injectedAt)));
      Future<Duration> flooded =
          waiters.submit(() -> floodDeliveredInOrder(feeds.get("fault-flood"), injectedAt.get("flood")));
      flood = outcome(flooded);
    }
    Map<String, Duration> recovery = new LinkedHashMap<>();
    for (Map.Entry<String, Future<Duration>> e : outcomes.entrySet()) {
      recovery.put(e.getKey(), outcome(e.getValue()));
    }

    assertNoWrongReplies(feeds, sessions, state);
    assertHangLeftAJournalThatDidNotBlockReading(sessions.get("hang"), state, watch);
    long afterMessages = 0;
    for (String fault : FAULTS) {
      ChatFeed feed = feeds.get("fault-" + fault);
      String id = "after-" + fault;
      assertEquals(202, client.post(feed.chat(), id, "after " + fault).status());
      afterMessages++;
      Optional<Reply> after = feed.awaitAnswerTo(id, Duration.ofSeconds(30));
      assertTrue(after.isPresent(), "the " + fault + " session answers again after its fault");
      assertEquals("ok: after " + fault, after.get().text());
    }
    for (String fault : RETRIED) {
      // The watch looks every 200 ms, and the last restart waits out its delay.
      Await.until(
          "the " + fault + " agent was started again after each of its " + MAX_TRIES + " faults",
          Duration.ofSeconds(20),
          () -> watch.refs(fault).size() >= MAX_TRIES + 1,
          () -> "agents seen: " + watch.refs(fault));
      assertTrue(watch.statuses(fault).contains("stopped"), fault + ": " + watch.statuses(fault));
    }

    probes.close();
    watch.close();
    assertTrue(gateway.isAlive(), "the gateway is still up");
    assertEquals(0, watch.healthFailures(), "health and ready answered all along: " + watch.healthProblems());
    assertTrue(watch.healthChecks() > 20, "health was checked all along: " + watch.healthChecks());
    assertEquals(List.of(), probes.problems(), "the well-behaved sessions lost and repeated nothing");
    assertTrue(probes.roundTrips() > 40, "the well-behaved sessions were probed all along: " + probes.roundTrips());
    assertTrue(
        probes.maxRoundTrip().compareTo(PROMPT) < 0,
        "the well-behaved sessions answered within " + PROMPT + " all along; the longest took "
            + probes.maxRoundTrip().toMillis() + " ms");
    assertTrue(
        watch.rssPeakKib() < 512 * 1024,
        "the gateway's memory stayed bounded during the flood: " + watch.rssPeakKib() + " KiB");

    Duration maxRecovery = recovery.values().stream().max(Duration::compareTo).orElseThrow();
    long messages = feeds.size() + probes.sent() + FAULTS.size() + afterMessages;
    String figures =
        String.format(
            Locale.ROOT,
            "good sessions: max round trip %d ms (p99 %d ms, %d round trips) during the faults;"
                + " recovery per fault %s; flood of %d rows delivered whole and in order in %.1f s;"
                + " gateway RSS peak %d MiB; scenario %.0f s",
            probes.maxRoundTrip().toMillis(),
            probes.percentile(0.99).toMillis(),
            probes.roundTrips(),
            millis(recovery),
            FLOOD_ROWS,
            flood.toMillis() / 1000.0,
            watch.rssPeakKib() / 1024,
            (System.nanoTime() - began) / 1e9);
    System.out.println("agent faults: " + figures);
    FaultReport.record(
        new FaultReport.Row(
            "Agent faults (6 faulty sessions beside 4 good ones)",
            messages,
            String.format(
                Locale.ROOT,
                "%d crashes, %d hangs (write lock held, no heartbeat, SIGTERM ignored), %d stuck"
                    + " (no acks), 1 malformed JSON, 1 even seq, 1 flood of %d rows",
                MAX_TRIES, MAX_TRIES, MAX_TRIES, FLOOD_ROWS),
            probes.lost(),
            probes.repeated(),
            maxRecovery,
            figures));
  }

  /**
   * The fault message of a crashing, hanging or stuck agent: retried with growing delays (tries 1,
   * then 2), failed at {@link #MAX_TRIES}, the agent restarted after every fault, and the chat told.
   * Returns the time from injecting the fault until the session's agent was first restarted.
   */
  private static Duration retriedFailedAndTold(
      String fault,
      SessionRef session,
      Map<String, ChatFeed> feeds,
      GatewayState state,
      Watch watch,
      Map<String, Long> injectedAt)
      throws Exception {
    String id = "fault-" + fault;
    Await.until(
        "the " + fault + " message is failed",
        OUTCOME_TIMEOUT,
        () -> state.inbound(session, id).map(r -> r.status().equals("failed")).orElse(false),
        () -> "row: " + state.inbound(session, id) + ", tries seen " + watch.tries(fault));
    long failedAt = System.nanoTime();
    InboundState row = state.inbound(session, id).orElseThrow();
    assertEquals(MAX_TRIES, row.tries(), fault + ": the failed row counts every try");
    assertEquals(List.of(1, 2), watch.tries(fault), fault + ": tries seen while it was retried");
    Duration waited = Duration.ofNanos(failedAt - injectedAt.get(fault));
    Duration backoffs = RETRY_BACKOFF.multipliedBy(2 + 4);
    assertTrue(
        waited.compareTo(backoffs) >= 0,
        fault + ": the retries waited their backoff (" + backoffs + "); failed after " + waited);
    Optional<Reply> told = feeds.get(id).awaitAnswerTo(id, Duration.ofSeconds(10));
    assertTrue(told.isPresent(), fault + ": the chat is told that its message failed");
    assertTrue(
        told.get().text().contains("could not be processed"), fault + ": " + told.get().text());
    long restarted = watch.firstRestartAfter(fault, injectedAt.get(fault)).orElseThrow();
    return Duration.ofNanos(restarted - injectedAt.get(fault));
  }

  /** A row the gateway cannot send: the agent is told (and says so in the chat). */
  private static Duration agentTold(
      String fault, String reason, Map<String, ChatFeed> feeds, Map<String, Long> injectedAt)
      throws Exception {
    ChatFeed feed = feeds.get("fault-" + fault);
    Optional<Reply> told =
        feed.await(r -> r.text() != null && r.text().startsWith("told:"), OUTCOME_TIMEOUT);
    assertTrue(told.isPresent(), fault + ": the agent is told that its row was not sent");
    assertTrue(told.get().text().contains(reason), fault + ": " + told.get().text());
    return Duration.ofNanos(System.nanoTime() - injectedAt.get(fault));
  }

  private static Duration floodDeliveredInOrder(ChatFeed feed, long injected) throws Exception {
    Optional<Reply> last = feed.await(r -> ("flood " + (FLOOD_ROWS - 1)).equals(r.text()), OUTCOME_TIMEOUT);
    assertTrue(
        last.isPresent(),
        "the flood arrived whole: " + feed.replies().stream().filter(r -> r.text().startsWith("flood")).count()
            + " of " + FLOOD_ROWS);
    Duration took = Duration.ofNanos(System.nanoTime() - injected);
    List<String> flood =
        feed.replies().stream().map(Reply::text).filter(t -> t.startsWith("flood ")).toList();
    List<String> expected = new ArrayList<>();
    for (int n = 0; n < FLOOD_ROWS; n++) {
      expected.add("flood " + n);
    }
    assertEquals(expected, flood, "every flood row once, in the order written");
    return took;
  }

  /** Nothing the gateway refused reached a chat, and no chat got a reply twice. */
  private static void assertNoWrongReplies(
      Map<String, ChatFeed> feeds, Map<String, SessionRef> sessions, GatewayState state) {
    for (ChatFeed feed : feeds.values()) {
      Set<String> ids = new HashSet<>();
      for (Reply reply : feed.replies()) {
        assertTrue(ids.add(reply.id()), feed.chat() + " got a reply twice: " + reply);
      }
    }
    assertFalse(
        feeds.get("fault-badjson").replies().stream().anyMatch(r -> r.text().contains("half a reply")),
        "the malformed row was not sent");
    assertFalse(
        feeds.get("fault-evenseq").replies().stream().anyMatch(r -> r.text().equals("even")),
        "the even-seq row was not sent");
    for (String fault : List.of("badjson", "evenseq")) {
      SessionRef s = sessions.get(fault);
      long failed =
          state.count(s.dir().resolve("inbound.db"), "SELECT COUNT(*) FROM delivered WHERE status = 'failed'");
      assertEquals(1, failed, fault + ": the refused row is recorded as failed in delivered");
    }
  }

  /**
   * The hanging agent was killed inside a write transaction: a journal lay beside its outbound.db
   * while it hung, and the gateway still read the file afterwards (it counted the tries from the
   * acks there), at its last commit (the uncommitted rows are gone).
   */
  private static void assertHangLeftAJournalThatDidNotBlockReading(
      SessionRef hang, GatewayState state, Watch watch) {
    assertTrue(watch.sawJournal(), "the hanging agent left outbound.db-journal beside its file");
    long uncommitted =
        state.count(
            hang.dir().resolve("outbound.db"),
            "SELECT COUNT(*) FROM session_state WHERE key LIKE 'hang-%'");
    assertEquals(0, uncommitted, "outbound.db reads at the last commit of the killed agent");
  }

  /** The value of a finished outcome; its assertion failure, if it had one, as it was. */
  private static Duration outcome(Future<Duration> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (Exception) e.getCause();
    }
  }

  private static String millis(Map<String, Duration> recovery) {
    List<String> parts = new ArrayList<>();
    recovery.forEach((fault, d) -> parts.add(fault + " " + String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)));
    return String.join(", ", parts);
  }

  private static String config() throws URISyntaxException {
    Path faulty = Path.of(AgentFaultsTest.class.getResource("/faults/agents/faulty_agent.py").toURI());
    Path echo = GatewayProcess.repoRoot().resolve("examples/agents/python/echo_agent.py");
    StringBuilder yaml = new StringBuilder();
    yaml.append(
        """
        dataDir: data
        pluginsDir: plugins
        http:
          host: 127.0.0.1
          port: 8080
        channels:
          webhook: {}
        agents:
          maxRunning: 16
          heartbeatTimeout: 3s
          stopGrace: 2s
          maxTries: %d
          retryBackoff: %ds
        agentGroups:
          - folder: good-echo
            provider: echo
          - folder: good-py
            provider: command
            config: {command: python3, args: ["%s"], env: {ECHO_PREFIX: "py: ", ECHO_POLL_SECONDS: "1"}}
        """
            .formatted(MAX_TRIES, RETRY_BACKOFF.toSeconds(), echo));
    for (String fault : FAULTS) {
      yaml.append(
          """
            - folder: fault-%s
              provider: command
              config: {command: python3, args: ["%s"], env: {FAULT_MODE: %s, FLOOD_ROWS: "%d"}}
          """
              .formatted(fault, faulty, fault, FLOOD_ROWS));
    }
    yaml.append("wirings:\n");
    for (String chat : GOOD_CHATS) {
      String group = chat.substring(0, chat.lastIndexOf('-'));
      yaml.append("  - {channel: webhook, chat: ").append(chat).append(", agentGroup: ").append(group).append("}\n");
    }
    for (String fault : FAULTS) {
      yaml.append("  - {channel: webhook, chat: fault-").append(fault)
          .append(", agentGroup: fault-").append(fault).append("}\n");
    }
    return yaml.toString();
  }
}
