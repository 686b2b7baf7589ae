package dev.switchboard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import dev.switchboard.WebhookClient;
import dev.switchboard.faults.CallbackPlatform.Action;
import dev.switchboard.faults.CallbackPlatform.Answer;
import dev.switchboard.faults.CallbackPlatform.Call;
import dev.switchboard.faults.CallbackPlatform.Hold;
import dev.switchboard.faults.CallbackPlatform.Reset;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misbehaving platform behind the webhook channel's callback: each chat meets its own burst of
 * faults — 429 with Retry-After, 500s, requests held past the callback timeout, connections reset
 * without an answer, very slow answers — and then the platform recovers. Everything must arrive
 * once, in order per chat; no chat is tried before its Retry-After is over; retries back off (no
 * storm); one reply the platform refuses for good (400) fails alone, its agent is told, and the
 * chats beside it are not held up by the chat that is still timing out.
 *
 * <p>The test config shortens the channel's timeout (2 s) and the backoff (200 ms doubling to 2 s)
 * so that the scenario takes seconds, not minutes.
 */
class PlatformFaultsTest {
  private static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  private static final int MAX_ATTEMPTS = 12;
  private static final Duration SLOW = Duration.ofMillis(800);
  private static final int MESSAGES_PER_CHAT = 6;
  private static final Duration PACE = Duration.ofMillis(100);
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
  private static final String REFUSED_TEXT = "please refuse me";
  private static final String REFUSAL_CHAT = "refusal";
  private static final String CLEAN_CHAT = "clean";
  private static final String TIMEOUT_CHAT = "timeouts";

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  /** What the platform does with the first requests for each chat; after them it answers 200. */
  private static Map<String, List<Action>> scripts() {
    Map<String, List<Action>> scripts = new LinkedHashMap<>();
    scripts.put("rate-limited", List.of(tooMany(1), tooMany(2), tooMany(1), tooMany(1)));
    scripts.put("server-errors", List.of(status(500), status(500), status(503), status(500), status(500)));
    scripts.put(TIMEOUT_CHAT, List.of(hold(), hold(), hold(), hold()));
    scripts.put("resets", List.of(new Reset(), new Reset(), new Reset(), new Reset()));
    scripts.put("slow", List.of(slow(), slow(), slow(), slow()));
    scripts.put("mixed", List.of(status(500), new Reset(), tooMany(1), hold(), status(502)));
    scripts.put(REFUSAL_CHAT, List.of());
    scripts.put(CLEAN_CHAT, List.of());
    return scripts;
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void replies_survive_a_misbehaving_platform_in_order_without_a_retry_storm_and_a_refused_one_fails_alone()
      throws Exception {
    Map<String, List<Action>> scripts = scripts();
    Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    CallbackPlatform.Behaviour behaviour =
        call -> {
          if (call.text != null && call.text.endsWith(REFUSED_TEXT)) {
            return status(400);
          }
          int n = requests.computeIfAbsent(call.chat, c -> new AtomicInteger()).getAndIncrement();
          List<Action> script = scripts.getOrDefault(call.chat, List.of());
          return n < script.size() ? script.get(n) : status(200);
        };
    long began = System.nanoTime();
    try (CallbackPlatform platform = new CallbackPlatform(behaviour)) {
      GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config(platform.url()));
      gateway.start();
      Map<String, String> texts = post(gateway, scripts.keySet());
      String refused = REFUSAL_CHAT + "-m3";

      Await.until(
          "every reply reached the platform and the refused one was refused",
          DELIVERY_TIMEOUT,
          () -> {
            List<Call> calls = platform.calls();
            return texts.keySet().stream()
                .allMatch(id -> calls.stream().anyMatch(c -> id.equals(c.replyTo)
                    && (c.accepted() || id.equals(refused) && c.endedAt() != 0)));
          },
          () -> "calls so far: " + platform.calls().size() + " (" + CallbackPlatform.outcomes(platform.calls())
              + ")\n" + gateway.logTail(40));
      int exitCode = gateway.stop();
      assertTrue(exitCode == 143 || exitCode == 0, "exit code after SIGTERM was " + exitCode);
      double seconds = (System.nanoTime() - began) / 1e9;

      List<Call> calls = platform.calls();
      List<String> problems = new ArrayList<>();
      platform.problems().forEach(p -> problems.add("platform: " + p));
      Map<String, List<Call>> byMessage = new LinkedHashMap<>();
      calls.forEach(c -> byMessage.computeIfAbsent(String.valueOf(c.replyTo), k -> new ArrayList<>()).add(c));

      long lost = 0;
      long repeated = 0;
      for (Map.Entry<String, String> message : texts.entrySet()) {
        List<Call> attempts = byMessage.getOrDefault(message.getKey(), List.of());
        long accepted = attempts.stream().filter(Call::accepted).count();
        if (message.getKey().equals(refused)) {
          if (attempts.size() != 1 || !attempts.getFirst().outcome().equals("400")) {
            problems.add("the refused reply was tried " + attempts + "; once, answered 400, expected");
          }
          continue;
        }
        if (accepted == 0) {
          lost++;
          problems.add(message.getKey() + " never reached the platform: " + attempts);
        }
        if (accepted > 1) {
          repeated += accepted - 1;
          problems.add(message.getKey() + " reached the platform " + accepted + " times: " + attempts);
        }
        for (Call attempt : attempts) {
          if (!("echo: " + message.getValue()).equals(attempt.text)
              || attempt.idempotencyKey == null || !attempt.idempotencyKey.equals(attempts.getFirst().id)) {
            problems.add(message.getKey() + " was sent as " + attempt + " with key " + attempt.idempotencyKey);
          }
        }
      }
      byMessage.keySet().stream().filter(id -> !texts.containsKey(id))
          .forEach(id -> problems.add("a reply to a message never sent: " + byMessage.get(id)));
      problems.addAll(orderProblems(calls));
      problems.addAll(retryAfterProblems(calls));
      Pacing pacing = pacing(calls, byMessage, scripts);
      problems.addAll(pacing.problems);
      problems.addAll(isolationProblems(calls, refused));
      String refusedReplyId = byMessage.get(refused).getFirst().id;
      problems.addAll(refusalProblems(gateway.dataDir(), refusedReplyId));
      Duration maxRecovery = maxRecovery(calls, scripts);

      String faults = faults(calls);
      String notes = String.format(Locale.ROOT,
          "%d chats × %d messages; Retry-After kept in every chat; backoff ≥ 0.9 × 200 ms × 2^(n−1)"
              + " between attempts of a reply; %d attempts in all, at most %d for one reply,"
              + " %.0f per minute on average, peak %d in one second; the refused reply was tried once,"
              + " failed, and its agent got a delivery_failed row while other chats went on;"
              + " test config: callbackTimeout 2 s, backoff 200 ms to 2 s, maxAttempts %d; %.0f s run",
          scripts.size(), MESSAGES_PER_CHAT, calls.size(), pacing.maxPerReply,
          calls.size() / seconds * 60, pacing.peakPerSecond, MAX_ATTEMPTS, seconds);
      System.out.println("platform faults test: " + faults + "; " + notes + "; outcomes "
          + CallbackPlatform.outcomes(calls) + "; max recovery " + maxRecovery.toMillis() + " ms");

      assertEquals(List.of(), problems.stream().limit(40).toList(),
          problems.size() + " problems (first 40 shown)");
      assertEquals(0, lost, "replies that never reached the platform");
      FaultReport.record(new FaultReport.Row(
          "Platform faults on the callback (PlatformFaultsTest)",
          texts.size(),
          faults,
          lost,
          repeated,
          maxRecovery,
          notes));
    }
  }

  /**
   * Posts {@value #MESSAGES_PER_CHAT} messages into every chat, one chat after the other at a
   * steady pace; returns each message's text by id.
   */
  private static Map<String, String> post(GatewayProcess gateway, Iterable<String> chats)
      throws IOException, InterruptedException {
    WebhookClient client = gateway.webhook();
    Map<String, String> texts = new LinkedHashMap<>();
    for (int n = 1; n <= MESSAGES_PER_CHAT; n++) {
      for (String chat : chats) {
        String id = chat + "-m" + n;
        String text = chat.equals(REFUSAL_CHAT) && n == 3
            ? "message " + n + " of " + chat + ": " + REFUSED_TEXT
            : "message " + n + " of " + chat;
        WebhookClient.Answer answer = client.post(chat, id, text);
        assertEquals(202, answer.status(), answer.body());
        assertEquals("stored", answer.outcome(), answer.body());
        texts.put(id, text);
      }
      Await.pause(PACE); // Pacing the traffic, not waiting for anything.
    }
    return texts;
  }

  /**
   * In every chat, replies are accepted in the order of their messages, and a reply is first tried
   * only once the one before it is over (accepted, or refused for good).
   */
  private static List<String> orderProblems(List<Call> calls) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> lastAccepted = new LinkedHashMap<>();
    Map<String, Call> lastFinal = new LinkedHashMap<>();
    Map<String, Integer> current = new LinkedHashMap<>();
    for (Call call : calls) {
      int number = number(call);
      Integer previous = current.get(call.chat);
      if (previous == null && number != 1) {
        problems.add("in " + call.chat + " message " + number + " was tried first");
      }
      if (previous == null || number != previous) {
        Call before = lastFinal.get(call.chat);
        if (previous != null && (before == null || number(before) != previous || call.arrivedAt - before.endedAt() < 0)) {
          problems.add("in " + call.chat + " message " + number + " was tried before the reply to "
              + previous + " was over: " + call);
        }
        if (previous != null && number != previous + 1) {
          problems.add("in " + call.chat + " message " + number + " was tried after " + previous);
        }
        current.put(call.chat, number);
      }
      if (call.accepted() || call.outcome().equals("400")) {
        lastFinal.put(call.chat, call);
      }
      if (call.accepted()) {
        int before = lastAccepted.getOrDefault(call.chat, 0);
        if (number <= before) {
          problems.add("in " + call.chat + " the reply to " + number + " came after the reply to " + before);
        }
        lastAccepted.put(call.chat, Math.max(before, number));
      }
    }
    return problems;
  }

  /** No request for a chat arrives before the Retry-After of a 429 to that chat is over. */
  private static List<String> retryAfterProblems(List<Call> calls) {
    List<String> problems = new ArrayList<>();
    for (Call limited : calls) {
      if (!(limited.action() instanceof Answer a) || a.retryAfterSeconds() == null) {
        continue;
      }
      // Less 2 ms: the gateway keeps the time of the next attempt to the millisecond, truncated.
      long until = limited.endedAt() + TimeUnit.SECONDS.toNanos(a.retryAfterSeconds())
          - TimeUnit.MILLISECONDS.toNanos(2);
      for (Call next : calls) {
        if (next.chat.equals(limited.chat) && next.arrivedAt - limited.endedAt() > 0 && next.arrivedAt - until < 0) {
          problems.add("in " + limited.chat + " " + next + " came "
              + (next.arrivedAt - limited.endedAt()) / 1_000_000 + " ms after a 429 with Retry-After "
              + a.retryAfterSeconds() + " s");
        }
      }
    }
    return problems;
  }

  private record Pacing(List<String> problems, int maxPerReply, int peakPerSecond) {}

  /**
   * No retry storm: after a transient failure (500, reset, timeout) of a reply's n-th attempt, its
   * next attempt comes at least 0.9 × initial backoff × 2^(n−1) (capped) later — the jitter's lower
   * bound; a reply is tried at most once more than the faults its chat was scripted for, and never
   * more than maxAttempts times.
   */
  private static Pacing pacing(
      List<Call> calls, Map<String, List<Call>> byMessage, Map<String, List<Action>> scripts) {
    List<String> problems = new ArrayList<>();
    int maxPerReply = 0;
    for (List<Call> attempts : byMessage.values()) {
      maxPerReply = Math.max(maxPerReply, attempts.size());
      String chat = attempts.getFirst().chat;
      int allowed = Math.min(MAX_ATTEMPTS, scripts.getOrDefault(chat, List.of()).size() + 1);
      if (attempts.size() > allowed) {
        problems.add(attempts.getFirst().replyTo + " was tried " + attempts.size() + " times, more than "
            + allowed + ": " + attempts);
      }
      for (int i = 0; i + 1 < attempts.size(); i++) {
        Call failed = attempts.get(i);
        if (failed.action() instanceof Answer a && (a.status() < 500)) {
          continue; // A 429: its Retry-After decides, checked apart.
        }
        long base = Math.min(INITIAL_BACKOFF.toMillis() << i, MAX_BACKOFF.toMillis());
        long minimum = TimeUnit.MILLISECONDS.toNanos(base - base / 10 - 5);
        long gap = attempts.get(i + 1).arrivedAt - failed.arrivedAt;
        if (gap < minimum) {
          problems.add(failed.replyTo + " was tried again " + gap / 1_000_000 + " ms after attempt " + (i + 1)
              + " failed (" + failed.outcome() + "); the backoff is at least " + minimum / 1_000_000 + " ms");
        }
      }
    }
    int peak = 0;
    for (int i = 0, j = 0; i < calls.size(); i++) {
      while (calls.get(i).arrivedAt - calls.get(j).arrivedAt > TimeUnit.SECONDS.toNanos(1)) {
        j++;
      }
      peak = Math.max(peak, i - j + 1);
    }
    return new Pacing(problems, maxPerReply, peak);
  }

  /**
   * The chats beside the trouble are not held up: every reply of the clean chat, and every reply of
   * the refusal chat after the refused one, was accepted before the chat whose platform kept timing
   * out got its first reply through (four timeouts of 2 s each and their backoff: about 11 s).
   */
  private static List<String> isolationProblems(List<Call> calls, String refused) {
    long firstThrough = calls.stream().filter(c -> c.chat.equals(TIMEOUT_CHAT) && c.accepted())
        .mapToLong(c -> c.arrivedAt).min().orElse(Long.MAX_VALUE);
    List<String> problems = new ArrayList<>();
    for (Call call : calls) {
      boolean watched = call.chat.equals(CLEAN_CHAT)
          || call.chat.equals(REFUSAL_CHAT) && number(call) > number(refused);
      if (watched && call.accepted() && call.arrivedAt - firstThrough > 0) {
        problems.add(call + " was held up: it came after the timing-out chat recovered");
      }
    }
    return problems;
  }

  /**
   * What the gateway recorded, read after it stopped: the refused reply is the one failed delivery,
   * with the platform's 400 as its error, and its session got exactly one {@code system} row telling
   * the agent; every other delivery is delivered.
   */
  private static List<String> refusalProblems(Path dataDir, String refusedReplyId) throws IOException {
    List<String> problems = new ArrayList<>();
    try (Connection central = AgentNotices.readOnly(dataDir.resolve("switchboard.db"));
        Statement s = central.createStatement();
        ResultSet r = s.executeQuery("SELECT message_out_id, status, attempts, last_error FROM deliveries")) {
      while (r.next()) {
        boolean isRefused = refusedReplyId.equals(r.getString(1));
        String status = r.getString(2);
        if (isRefused && (!"failed".equals(status) || r.getInt(3) != 1
            || r.getString(4) == null || !r.getString(4).contains("400"))) {
          problems.add("the refused reply is " + status + " after " + r.getInt(3) + " attempts: " + r.getString(4));
        }
        if (!isRefused && !"delivered".equals(status)) {
          problems.add("reply " + r.getString(1) + " is " + status + ": " + r.getString(4));
        }
      }
    } catch (SQLException e) {
      problems.add("cannot read the deliveries: " + e);
    }
    List<String> told = AgentNotices.told(dataDir, problems);
    if (!told.equals(List.of(REFUSAL_CHAT + " delivery_failed " + refusedReplyId))) {
      problems.add("the agents were told " + told + "; one delivery_failed of " + refusedReplyId
          + " in chat " + REFUSAL_CHAT + " expected");
    }
    return problems;
  }

  /** The longest time from a chat's last scripted fault ending to its next reply getting through. */
  private static Duration maxRecovery(List<Call> calls, Map<String, List<Action>> scripts) {
    long max = 0;
    for (Map.Entry<String, List<Action>> script : scripts.entrySet()) {
      List<Call> chat = calls.stream().filter(c -> c.chat.equals(script.getKey())).toList();
      int faults = script.getValue().size();
      if (faults == 0 || chat.size() <= faults) {
        continue;
      }
      Call last = chat.get(faults - 1);
      // A held request is over for the gateway when its timeout fires, whenever the socket closes.
      long over = last.action() instanceof Hold ? last.arrivedAt + CALLBACK_TIMEOUT.toNanos() : last.endedAt();
      max = Math.max(max, chat.get(faults).arrivedAt - over);
    }
    return Duration.ofNanos(max);
  }

  /** The faults as the platform's log shows them: "9× 429, 8× 500/502/503, 6 timeouts, …". */
  private static String faults(List<Call> calls) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Call call : calls) {
      String kind = switch (call.action()) {
        case Answer a when a.status() == 429 -> "× 429 with Retry-After";
        case Answer a when a.status() >= 500 -> "× 5xx";
        case Answer a when a.status() >= 400 -> "× 400 (permanent)";
        case Answer a when a.delay().isPositive() -> " slow answers (" + SLOW.toMillis() + " ms)";
        case Answer a -> null;
        case Reset r -> " connection resets";
        case Hold h -> " timeouts (held past " + CALLBACK_TIMEOUT.toSeconds() + " s)";
        case null -> "unfinished";
      };
      if (kind != null) {
        counts.merge(kind, 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((kind, count) -> parts.add(count + kind));
    return String.join(", ", parts);
  }

  private static int number(Call call) {
    return number(String.valueOf(call.replyTo));
  }

  private static int number(String id) {
    return Integer.parseInt(id.substring(id.lastIndexOf("-m") + 2));
  }

  private static Action status(int status) {
    return new Answer(status, Duration.ZERO, null);
  }

  private static Action tooMany(int retryAfterSeconds) {
    return new Answer(429, Duration.ZERO, retryAfterSeconds);
  }

  private static Action hold() {
    return new Hold(CALLBACK_TIMEOUT.multipliedBy(5));
  }

  private static Action slow() {
    return new Answer(200, SLOW, null);
  }

  private static String config(String callbackUrl) {
    return """
        dataDir: data
        pluginsDir: plugins
        http:
          host: 127.0.0.1
          port: 8080
        channels:
          webhook:
            callbackUrl: %s
            callbackTimeout: %ds
        delivery:
          maxAttempts: %d
          initialBackoff: %dms
          maxBackoff: %ds
        agentGroups:
          - folder: main
            name: Main
            provider: echo
        wirings:
          - channel: webhook
            chat: "*"
            agentGroup: main
        agents:
          maxRunning: 12
        """.formatted(callbackUrl, CALLBACK_TIMEOUT.toSeconds(), MAX_ATTEMPTS,
        INITIAL_BACKOFF.toMillis(), MAX_BACKOFF.toSeconds());
  }
}
