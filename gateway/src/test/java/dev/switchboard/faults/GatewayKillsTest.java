package dev.switchboard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import dev.switchboard.WebhookClient;
import dev.switchboard.faults.CallbackPlatform.Answer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes under load, seen from the platform's side: messages flow into several chats at a steady
 * pace and the echo agent's replies flow out to a fake platform's callback, while the real gateway
 * process is SIGKILLed at least {@value #KILLS} times at random moments and started again on the
 * same data. The platform's own log must show every message that was answered 202 answered exactly
 * once, in order per chat — a reply may come twice only when its send was in flight at a kill, and
 * then with the same {@code Idempotency-Key}.
 *
 * <p>One seed drives the kill moments (printed; replay with {@code -Dswitchboard.kills.seed=<seed>}).
 */
class GatewayKillsTest {
  private static final long DEFAULT_SEED = 9_2026L;
  private static final int KILLS = 20;
  private static final int CHATS = 6;
  /** One message per chat this often: about 40 messages a second over all chats. */
  private static final Duration PACE = Duration.ofMillis(150);
  /** A kill comes this long at most after the restarted gateway sent its first reply. */
  private static final int MAX_KILL_DELAY_MS = 1_200;
  private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(90);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(20);
  /**
   * A reply is sent again after a kill only when its send was open at the kill: sent, but its
   * outcome not yet recorded. That takes well under a second; a repeat of a reply the platform had
   * answered longer before the kill means its delivery was never recorded.
   */
  private static final Duration MAX_SEND_WINDOW = Duration.ofSeconds(10);

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void every_message_answered_202_reaches_the_platform_once_in_order_through_twenty_sigkills()
      throws Exception {
    long seed = Long.getLong("switchboard.kills.seed", DEFAULT_SEED);
    Random random = new Random(seed);
    System.out.printf(
        "kills test: seed %d (replay with -Dswitchboard.kills.seed=%d), %d kills, %d chats,"
            + " one message per chat every %d ms%n",
        seed, seed, KILLS, CHATS, PACE.toMillis());
    long began = System.nanoTime();

    try (CallbackPlatform platform = new CallbackPlatform(call -> new Answer(200, Duration.ZERO, null))) {
      GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config(platform.url()));
      Ledger ledger = new Ledger();
      warmUp(gateway, platform, ledger);
      gateway.start();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> senders = new ArrayList<>();
      for (int c = 0; c < CHATS; c++) {
        Sender sender = new Sender(chat(c), gateway.webhook(), ledger, stop);
        senders.add(Thread.ofPlatform().daemon().name("sender-" + c).start(sender));
      }

      List<Duration> recoveries = new ArrayList<>();
      List<Duration> readies = new ArrayList<>();
      List<Long> kills = new ArrayList<>();
      try {
        int callsAtKill = platform.callCount();
        for (int k = 1; k <= KILLS; k++) {
          awaitMovedOn(platform, gateway, callsAtKill, "kill #" + k);
          // Scheduling the kill: a random moment while messages and replies flow.
          Await.pause(Duration.ofMillis(random.nextInt(MAX_KILL_DELAY_MS)));
          callsAtKill = platform.callCount();
          gateway.kill();
          kills.add(System.nanoTime());
          long launched = System.nanoTime();
          gateway.launch();
          gateway.awaitReady();
          readies.add(Duration.ofNanos(System.nanoTime() - launched));
          long firstReply = awaitReplyAfter(platform, gateway, callsAtKill, launched, "kill #" + k);
          recoveries.add(Duration.ofNanos(firstReply - launched));
          System.out.printf(
              "kills test: kill #%d after %d callbacks and %d accepted messages; ready in %d ms,"
                  + " first reply %d ms after the restart%n",
              k, callsAtKill, ledger.accepted.size(), readies.getLast().toMillis(),
              recoveries.getLast().toMillis());
        }
        stop.set(true);
        for (Thread sender : senders) {
          assertTrue(sender.join(GIVE_UP_AFTER.plusSeconds(10)), sender.getName() + " did not finish");
        }
        Await.until(
            "every message answered 202 has reached the platform",
            DRAIN_TIMEOUT,
            () -> ledger.accepted.keySet().stream().allMatch(replied(platform)::containsKey),
            () -> "still without a reply: " + missing(ledger, platform) + "\n" + gateway.logTail(40));
        int exitCode = gateway.stop();
        assertTrue(exitCode == 143 || exitCode == 0, "exit code after SIGTERM was " + exitCode);
      } finally {
        stop.set(true);
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      check(seed, ledger, platform, kills, recoveries, readies, seconds);
    }
  }

  private void check(
      long seed,
      Ledger ledger,
      CallbackPlatform platform,
      List<Long> kills,
      List<Duration> recoveries,
      List<Duration> readies,
      double seconds) {
    List<CallbackPlatform.Call> calls = platform.calls();
    Map<String, List<CallbackPlatform.Call>> byMessage = new LinkedHashMap<>();
    for (CallbackPlatform.Call call : calls) {
      byMessage.computeIfAbsent(String.valueOf(call.replyTo), k -> new ArrayList<>()).add(call);
    }
    List<String> problems = new ArrayList<>(ledger.problems);
    platform.problems().forEach(p -> problems.add("platform: " + p));
    long lost = 0;
    long repeated = 0;
    List<Long> windows = new ArrayList<>();
    Map<Integer, Integer> repeatsPerKill = new TreeMap<>();
    for (Sent sent : ledger.accepted.values()) {
      List<CallbackPlatform.Call> copies = byMessage.getOrDefault(sent.id, List.of());
      if (copies.isEmpty()) {
        lost++;
        problems.add(sent + " never reached the platform");
        continue;
      }
      if (copies.size() > 2) {
        problems.add(sent + " reached the platform " + copies.size() + " times: " + copies);
      }
      if (copies.size() > 1) {
        repeated++;
      }
      for (int i = 1; i < copies.size(); i++) {
        CallbackPlatform.Call before = copies.get(i - 1);
        int kill = killBetween(kills, before.arrivedAt, copies.get(i).arrivedAt);
        if (kill < 0) {
          problems.add(sent + " reached the platform again without a kill in between: " + copies);
          continue;
        }
        repeatsPerKill.merge(kill + 1, 1, Integer::sum);
        long open = before.endedAt() == 0 ? 0 : kills.get(kill) - before.endedAt();
        windows.add(open);
        if (open > MAX_SEND_WINDOW.toNanos()) {
          problems.add(sent + " was sent again after kill #" + (kill + 1) + " although the platform"
              + " had answered it " + open / 1_000_000 + " ms before: its delivery was not recorded");
        }
      }
      CallbackPlatform.Call first = copies.getFirst();
      for (CallbackPlatform.Call copy : copies) {
        if (!("echo: " + sent.text).equals(copy.text) || !sent.chat.equals(copy.chat)) {
          problems.add(sent + " got a wrong reply: " + copy);
        }
        if (copy.idempotencyKey == null || !copy.idempotencyKey.equals(first.idempotencyKey)
            || !copy.idempotencyKey.equals(copy.id) || !copy.id.equals(first.id)) {
          problems.add(sent + " was repeated under another reply id or key: " + copies.stream()
              .map(c -> c.id + " key " + c.idempotencyKey).toList());
        }
      }
    }
    byMessage.forEach((replyTo, copies) -> {
      if (!ledger.accepted.containsKey(replyTo)) {
        problems.add("replies to a message that was never answered 202: " + copies);
      }
    });
    problems.addAll(orderProblems(calls, ledger));

    Duration maxRecovery = recoveries.stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    String summary = String.format(Locale.ROOT,
        "seed %d; %d chats, one message per chat every %d ms; %d callbacks; recovery (restart to"
            + " first reply) median %.2f s, ready median %.2f s, max %.2f s; %.0f s run",
        seed, CHATS, PACE.toMillis(), calls.size(), median(recoveries), median(readies),
        seconds(readies.stream().max(Comparator.naturalOrder()).orElse(Duration.ZERO)), seconds);
    System.out.printf(
        "kills test: %d kills, %d messages accepted (%d after a retried post), %d lost,"
            + " %d repeated, max recovery %d ms; %s%n",
        recoveries.size(), ledger.accepted.size(), ledger.retried(), lost, repeated,
        maxRecovery.toMillis(), summary);

    repeatsPerKill.forEach((kill, count) -> {
      if (count > CHATS) {
        problems.add(count + " replies were repeated after kill #" + kill + ", more than one per"
            + " chat: a chat had more than one send in flight");
      }
    });
    long maxWindow = windows.stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000;
    System.out.printf(
        "kills test: repeats per kill %s; the longest a repeated reply's send was open (platform's"
            + " answer to the kill) %d ms%n", repeatsPerKill, maxWindow);
    assertEquals(List.of(), problems.stream().limit(40).toList(),
        problems.size() + " problems (first 40 shown)");
    assertEquals(0, lost, "messages answered 202 that never reached the platform");
    assertEquals(KILLS, recoveries.size(), "kills done");
    assertTrue(ledger.retried() > 0,
        "no post was retried after a kill, so no kill hit traffic in flight");

    FaultReport.record(new FaultReport.Row(
        "Gateway SIGKILLed under load (GatewayKillsTest)",
        ledger.accepted.size(),
        KILLS + " SIGKILLs at random moments",
        lost,
        repeated,
        maxRecovery,
        String.format(Locale.ROOT,
            "every repeat is a send a kill cut short (platform's 2xx not yet recorded; at most %d"
                + " at one kill, one per chat with a send open; the longest such send %d ms) and"
                + " carries the same Idempotency-Key; no reply more than twice; order kept in every"
                + " chat; %s",
            repeatsPerKill.values().stream().mapToInt(Integer::intValue).max().orElse(0),
            maxWindow, summary)));
  }

  /** The index of the first kill after {@code from} and before {@code to}, or -1. */
  private static int killBetween(List<Long> kills, long from, long to) {
    for (int k = 0; k < kills.size(); k++) {
      if (kills.get(k) - from > 0 && to - kills.get(k) > 0) {
        return k;
      }
    }
    return -1;
  }

  /**
   * Waits until every chat has had a reply to a later message than any it had before the last kill
   * (or, before the first kill, any reply): a chat's next reply is only sent once the one before was recorded, so then no send of
   * the last run is still open. The next kill thus never lands on a redelivery of the last one — a
   * reply whose sends were open at two kills would legitimately reach the platform three times.
   */
  private static void awaitMovedOn(
      CallbackPlatform platform, GatewayProcess gateway, int callsAtKill, String what) {
    Map<String, Integer> highest = new HashMap<>();
    List<CallbackPlatform.Call> before = platform.calls().subList(0, callsAtKill);
    before.forEach(c -> highest.merge(c.chat, number(c), Math::max));
    Await.until(
        "every chat has new replies before " + what,
        RECOVERY_TIMEOUT,
        () -> {
          List<CallbackPlatform.Call> calls = platform.calls();
          Map<String, Integer> now = new HashMap<>();
          calls.subList(callsAtKill, calls.size()).forEach(c -> now.merge(c.chat, number(c), Math::max));
          for (int c = 0; c < CHATS; c++) {
            if (now.getOrDefault(chat(c), 0) <= highest.getOrDefault(chat(c), 0)) {
              return false;
            }
          }
          return true;
        },
        () -> "highest message numbers answered before: " + highest + "\n" + gateway.logTail(40));
  }

  /** The number of the message a reply answers ({@code chat-3-m17} → 17). */
  private static int number(CallbackPlatform.Call call) {
    String id = String.valueOf(call.replyTo);
    int at = id.lastIndexOf("-m");
    return at < 0 ? 0 : Integer.parseInt(id.substring(at + 2));
  }

  /**
   * A first run that is stopped cleanly, so that it writes the class-data archive the many restarts
   * load from; one message goes through it, so the archive holds the classes of the whole path.
   */
  private static void warmUp(GatewayProcess gateway, CallbackPlatform platform, Ledger ledger)
      throws IOException, InterruptedException {
    gateway.shareClassData();
    gateway.start();
    String text = "warming up";
    WebhookClient.Answer answer = gateway.webhook().post("warm-up", "warm-up-1", text);
    assertEquals(202, answer.status(), answer.body());
    ledger.accepted.put("warm-up-1", new Sent("warm-up-1", "warm-up", 1, text, 1));
    Await.until("the warm-up reply reaches the platform", RECOVERY_TIMEOUT,
        () -> platform.callCount() > 0, () -> gateway.logTail(40));
    gateway.stop();
  }

  /**
   * In every chat the first copies of the replies reach the platform in the order the messages
   * were sent, with rising seqs; a repeat may only follow its first copy.
   */
  private static List<String> orderProblems(List<CallbackPlatform.Call> calls, Ledger ledger) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> lastNumber = new HashMap<>();
    Map<String, Long> lastSeq = new HashMap<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (CallbackPlatform.Call call : calls) {
      Sent sent = ledger.accepted.get(String.valueOf(call.replyTo));
      if (sent == null || seen.put(sent.id, true) != null) {
        continue;
      }
      int before = lastNumber.getOrDefault(sent.chat, 0);
      if (sent.number <= before) {
        problems.add("in " + sent.chat + " the reply to message " + sent.number
            + " came after the reply to message " + before);
      }
      if (call.seq <= lastSeq.getOrDefault(sent.chat, -1L)) {
        problems.add("in " + sent.chat + " seq " + call.seq + " came after seq " + lastSeq.get(sent.chat));
      }
      lastNumber.put(sent.chat, Math.max(before, sent.number));
      lastSeq.put(sent.chat, Math.max(call.seq, lastSeq.getOrDefault(sent.chat, -1L)));
    }
    return problems;
  }

  /** Waits for a callback that arrived after {@code since}; returns when it arrived. */
  private static long awaitReplyAfter(
      CallbackPlatform platform, GatewayProcess gateway, int fromIndex, long since, String what) {
    long[] at = new long[1];
    Await.until(
        "a reply reaches the platform after " + what,
        RECOVERY_TIMEOUT,
        () -> {
          List<CallbackPlatform.Call> calls = platform.calls();
          for (int i = fromIndex; i < calls.size(); i++) {
            if (calls.get(i).arrivedAt - since > 0) {
              at[0] = calls.get(i).arrivedAt;
              return true;
            }
          }
          return false;
        },
        () -> gateway.logTail(40));
    return at[0];
  }

  private static Map<String, Boolean> replied(CallbackPlatform platform) {
    Map<String, Boolean> replied = new HashMap<>();
    platform.calls().forEach(c -> replied.put(String.valueOf(c.replyTo), true));
    return replied;
  }

  private static String missing(Ledger ledger, CallbackPlatform platform) {
    Map<String, Boolean> replied = replied(platform);
    List<String> ids =
        ledger.accepted.keySet().stream().filter(id -> !replied.containsKey(id)).sorted().toList();
    return ids.size() + " " + ids.stream().limit(20).toList();
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
            callbackTimeout: 5s
        agentGroups:
          - folder: main
            name: Main
            provider: echo
        wirings:
          - channel: webhook
            chat: "*"
            agentGroup: main
        agents:
          maxRunning: %d
        """.formatted(callbackUrl, CHATS + 4);
  }

  private static String chat(int index) {
    return "chat-" + index;
  }

  private static double median(List<Duration> durations) {
    if (durations.isEmpty()) {
      return 0;
    }
    List<Duration> sorted = durations.stream().sorted().toList();
    return seconds(sorted.get(sorted.size() / 2));
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  /** A message a sender posted, once it was answered 202. */
  private record Sent(String id, String chat, int number, String text, int posts) {}

  /** What the senders saw. */
  private static final class Ledger {
    final Map<String, Sent> accepted = new ConcurrentHashMap<>();
    final Queue<String> problems = new ConcurrentLinkedQueue<>();

    long retried() {
      return accepted.values().stream().filter(s -> s.posts > 1).count();
    }
  }

  /**
   * One chat's client: posts message after message at a steady pace, each only once the one before
   * was answered 202, so the chat's order is the order of its numbers. A post that got no answer
   * (the gateway was killed, or is starting) or a 503 is posted again with the same id, as platforms
   * redeliver.
   */
  private record Sender(String chat, WebhookClient client, Ledger ledger, AtomicBoolean stop)
      implements Runnable {
    @Override
    public void run() {
      long next = System.nanoTime();
      for (int n = 1; !stop.get(); n++) {
        if (!post(n)) {
          return;
        }
        next += PACE.toNanos();
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Await.pause(Duration.ofNanos(wait)); // Pacing the traffic, not waiting for anything.
        } else {
          next = System.nanoTime();
        }
      }
    }

    private boolean post(int n) {
      String id = chat + "-m" + n;
      String text = "message " + n + " of " + chat;
      long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
      for (int posts = 1; ; posts++) {
        try {
          WebhookClient.Answer answer = client.post(chat, id, text);
          String outcome = answer.status() == 202 ? answer.outcome() : "";
          if (outcome.equals("stored") || outcome.equals("duplicate")) {
            ledger.accepted.put(id, new Sent(id, chat, n, text, posts));
            return true;
          }
          if (answer.status() != 503) {
            ledger.problems.add(id + " was answered " + answer.status() + " " + answer.body());
            return false;
          }
        } catch (IOException e) {
          // No answer: the gateway is down or starting. Post again with the same id.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        if (System.nanoTime() - giveUp > 0) {
          ledger.problems.add(id + " was never answered 202 within " + GIVE_UP_AFTER);
          return false;
        }
        Await.pause(RETRY_PAUSE);
      }
    }
  }
}
