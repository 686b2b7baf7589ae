package dev.switchboard.faults.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.GatewayProcesses;
import dev.switchboard.faults.AgentNotices;
import dev.switchboard.faults.FaultReport;
import dev.switchboard.faults.platforms.Bursts.Attempt;
import dev.switchboard.faults.platforms.Bursts.Fault;
import dev.switchboard.faults.platforms.Bursts.Refused;
import dev.switchboard.faults.platforms.Bursts.Reset;
import dev.switchboard.faults.platforms.Bursts.ServerError;
import dev.switchboard.faults.platforms.Bursts.Slow;
import dev.switchboard.faults.platforms.Bursts.Timeout;
import dev.switchboard.faults.platforms.Bursts.TooMany;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of platform faults through the Telegram, Discord and Slack channels: the real gateway
 * process loads the real plugin jars, whose real client libraries talk to a loopback fake of the
 * platform's API. Each chat meets its own burst on the send endpoint — 429 with the platform's
 * retry-after, 5xx, requests held past the channel's timeout, connections reset, very slow
 * answers — and then the platform recovers. Everything must arrive once, in order per chat; no chat
 * is tried before its retry-after is over; retries back off; and every send on the wire is an
 * attempt the delivery part made and counted (a client library that retries on its own shows up as
 * more sends on the wire than attempts recorded). One reply the platform refuses for good fails
 * alone, its agent is told, and the chats beside it are not held up by the chat that times out.
 *
 * <p>The test config shortens the channel's request timeout (2 s) and the backoff (200 ms doubling
 * to 2 s), and lifts the channel's per-chat pace (20 per 100 ms), so that a platform's scenario
 * takes seconds, not minutes, and what paces the sends is the faults.
 */
class PlatformBurstsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
  private static final int MAX_ATTEMPTS = 12;
  private static final int MESSAGES_PER_CHAT = 6;
  private static final Duration PACE = Duration.ofMillis(100);
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
  private static final String REFUSED_TEXT = "please refuse me";
  private static final String REFUSAL_CHAT = "refusal";
  private static final String CLEAN_CHAT = "clean";
  private static final String TIMEOUT_CHAT = "timeouts";
  private static final int REFUSED_NUMBER = 3;
  private static final Pattern NUMBER = Pattern.compile("message (\\d+) of ");

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  /** What the platform does with the first sends to each chat; after them it takes every send. */
  private static Map<String, List<Fault>> scripts() {
    Map<String, List<Fault>> scripts = new LinkedHashMap<>();
    scripts.put("rate-limited", List.of(new TooMany(1), new TooMany(2), new TooMany(1), new TooMany(1)));
    scripts.put("server-errors", List.of(new ServerError(500), new ServerError(502), new ServerError(503),
        new ServerError(500), new ServerError(502)));
    scripts.put(TIMEOUT_CHAT, List.of(new Timeout(), new Timeout(), new Timeout(), new Timeout()));
    scripts.put("resets", List.of(new Reset(), new Reset(), new Reset(), new Reset()));
    scripts.put("slow", List.of(new Slow(), new Slow(), new Slow(), new Slow()));
    scripts.put("mixed", List.of(new ServerError(500), new Reset(), new TooMany(1), new Timeout(), new ServerError(503)));
    scripts.put(REFUSAL_CHAT, List.of());
    scripts.put(CLEAN_CHAT, List.of());
    return scripts;
  }

  @FunctionalInterface
  private interface Maker {
    FakePlatform make(Bursts bursts) throws Exception;
  }

  /** A message posted to the channel, and the reply it must get. */
  private record Message(String chatName, String chat, int number, String text) {
    String reply() {
      return "echo: " + text;
    }

    String key() {
      return chat + "#" + number;
    }

    @Override
    public String toString() {
      return chatName + "-m" + number;
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 180, unit = TimeUnit.SECONDS)
  void telegram_replies_survive_fault_bursts_in_order_without_a_retry_storm_and_a_refused_one_fails_alone()
      throws Exception {
    run(FakeTelegram::new);
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 180, unit = TimeUnit.SECONDS)
  void discord_replies_survive_fault_bursts_in_order_without_a_retry_storm_and_a_refused_one_fails_alone()
      throws Exception {
    run(FakeDiscord::new);
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 180, unit = TimeUnit.SECONDS)
  void slack_replies_survive_fault_bursts_in_order_without_a_retry_storm_and_a_refused_one_fails_alone()
      throws Exception {
    run(FakeSlack::new);
  }

  private void run(Maker maker) throws Exception {
    Map<String, List<Fault>> scripts = scripts();
    Bursts bursts = new Bursts(REFUSED_TEXT);
    long began = System.nanoTime();
    try (FakePlatform platform = maker.make(bursts)) {
      Map<String, String> chats = new LinkedHashMap<>();
      for (String name : scripts.keySet()) {
        String id = platform.chatId(chats.size());
        chats.put(name, id);
        bursts.script(id, scripts.get(name));
      }
      GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config(platform));
      gateway.start();
      Map<String, Message> messages = post(gateway, platform, chats);
      Message refused = messages.get(chats.get(REFUSAL_CHAT) + "#" + REFUSED_NUMBER);

      // A scenario that does not finish is still analysed: what went wrong on the wire says why.
      String unfinished = null;
      try {
        Await.until(
            "every reply reached the platform and the refused one was refused",
            DELIVERY_TIMEOUT,
            () -> allOver(bursts.attempts(), messages.values()),
            () -> "sends so far: " + outcomes(bursts.attempts()) + "\n" + gateway.logTail(40));
      } catch (AssertionError e) {
        unfinished = e.getMessage();
      }
      int exitCode = gateway.stop();
      assertTrue(exitCode == 143 || exitCode == 0, "exit code after SIGTERM was " + exitCode);
      double seconds = (System.nanoTime() - began) / 1e9;

      List<Attempt> attempts = bursts.attempts();
      List<String> problems = new ArrayList<>();
      if (unfinished != null) {
        problems.add(unfinished);
      }
      platform.problems().forEach(p -> problems.add("platform: " + p));
      Map<String, List<Attempt>> byMessage = new LinkedHashMap<>();
      for (Attempt attempt : attempts) {
        byMessage.computeIfAbsent(key(attempt), k -> new ArrayList<>()).add(attempt);
      }
      long lost = 0;
      long repeated = 0;
      for (Message message : messages.values()) {
        List<Attempt> tries = byMessage.getOrDefault(message.key(), List.of());
        long accepted = tries.stream().filter(Attempt::accepted).count();
        if (message.equals(refused)) {
          if (tries.size() != 1 || !(tries.getFirst().fault() instanceof Refused)) {
            problems.add("the refused reply was sent " + tries + "; once, refused, expected");
          }
          continue;
        }
        if (accepted == 0) {
          lost++;
          problems.add(message + " never got its reply through: " + tries);
        }
        if (accepted > 1) {
          repeated += accepted - 1;
          problems.add(message + " got its reply through " + accepted + " times: " + tries);
        }
        for (Attempt attempt : tries) {
          if (!attempt.text().equals(message.reply())) {
            problems.add(message + " was answered with '" + attempt.text() + "', not '" + message.reply() + "'");
          }
        }
      }
      byMessage.keySet().stream()
          .filter(key -> messages.values().stream().noneMatch(m -> m.key().equals(key)))
          .forEach(key -> problems.add("a send for no message posted: " + byMessage.get(key)));
      problems.addAll(orderProblems(attempts, refused));
      problems.addAll(retryAfterProblems(attempts));
      Pacing pacing = pacing(attempts, byMessage, bursts);
      problems.addAll(pacing.problems());
      problems.addAll(isolationProblems(attempts, chats, refused));
      Recorded recorded = recorded(gateway.dataDir(), messages, refused);
      problems.addAll(recorded.problems());
      problems.addAll(wireProblems(byMessage, recorded.attempts(), messages, refused));
      Duration maxRecovery = maxRecovery(attempts, chats, bursts);

      String faults = faults(attempts);
      String notes = String.format(Locale.ROOT,
          "%s (%s) in the real gateway; %d chats × %d messages; every send on the wire was an attempt"
              + " the delivery part recorded (%d in all, at most %d for one reply, %.0f per minute on"
              + " average, peak %d in one second); retry-after kept in every chat; backoff ≥ 0.9 × 200 ms"
              + " × 2^(n−1) between sends of a reply; the refused reply was sent once, failed, and its"
              + " agent got a delivery_failed row while other chats went on; test config: request"
              + " timeout 2 s, backoff 200 ms to 2 s, maxAttempts %d, per-chat pace 20 per 100 ms; %.0f s run",
          platform.name(), platform.library(), chats.size(), MESSAGES_PER_CHAT, attempts.size(),
          pacing.maxPerReply(), attempts.size() / seconds * 60, pacing.peakPerSecond(), MAX_ATTEMPTS, seconds);
      System.out.println(platform.name() + " bursts: " + faults + "; " + notes + "; outcomes " + outcomes(attempts)
          + "; max recovery " + maxRecovery.toMillis() + " ms");

      assertEquals(List.of(), problems.stream().limit(40).toList(), problems.size() + " problems (first 40 shown)");
      assertEquals(0, lost, "replies that never got through");
      FaultReport.record(new FaultReport.Row(
          "Platform faults through " + platform.name() + " (PlatformBurstsTest)",
          messages.size(),
          faults,
          lost,
          repeated,
          maxRecovery,
          notes));
    }
  }

  /**
   * Posts {@value #MESSAGES_PER_CHAT} messages into every chat, one chat after the other at a
   * steady pace; returns them by key.
   */
  private static Map<String, Message> post(GatewayProcess gateway, FakePlatform platform, Map<String, String> chats)
      throws Exception {
    Map<String, Message> messages = new LinkedHashMap<>();
    for (int n = 1; n <= MESSAGES_PER_CHAT; n++) {
      for (Map.Entry<String, String> chat : chats.entrySet()) {
        String text = "message " + n + " of " + chat.getKey()
            + (chat.getKey().equals(REFUSAL_CHAT) && n == REFUSED_NUMBER ? " " + REFUSED_TEXT : "");
        platform.post(gateway, chat.getValue(), n, text);
        Message message = new Message(chat.getKey(), chat.getValue(), n, text);
        messages.put(message.key(), message);
      }
      Await.pause(PACE); // Pacing the traffic, not waiting for anything.
    }
    return messages;
  }

  /** Every message's reply was taken, and the refused one was refused. */
  private static boolean allOver(List<Attempt> attempts, Iterable<Message> messages) {
    for (Message message : messages) {
      boolean over = attempts.stream().anyMatch(a -> key(a).equals(message.key())
          && (a.accepted() || a.fault() instanceof Refused) && a.endedAt() != 0);
      if (!over) {
        return false;
      }
    }
    return true;
  }

  /**
   * In every chat, replies are taken in the order of their messages, and a reply is first sent only
   * once the one before it is over (taken, or refused for good).
   */
  private static List<String> orderProblems(List<Attempt> attempts, Message refused) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> lastAccepted = new TreeMap<>();
    Map<String, Attempt> lastFinal = new TreeMap<>();
    Map<String, Integer> current = new TreeMap<>();
    for (Attempt attempt : attempts) {
      int number = number(attempt);
      Integer previous = current.get(attempt.chat());
      if (previous == null && number != 1) {
        problems.add("in " + attempt.chat() + " message " + number + " was sent first");
      }
      if (previous == null || number != previous) {
        Attempt before = lastFinal.get(attempt.chat());
        if (previous != null
            && (before == null || number(before) != previous || attempt.arrivedAt() - before.endedAt() < 0)) {
          problems.add("in " + attempt.chat() + " the reply to " + number + " was sent before the reply to "
              + previous + " was over: " + attempt);
        }
        if (previous != null && number != previous + 1) {
          problems.add("in " + attempt.chat() + " the reply to " + number + " was sent after the reply to " + previous);
        }
        current.put(attempt.chat(), number);
      }
      if (attempt.accepted() || attempt.fault() instanceof Refused) {
        lastFinal.put(attempt.chat(), attempt);
      }
      if (attempt.accepted()) {
        int before = lastAccepted.getOrDefault(attempt.chat(), 0);
        if (number <= before) {
          problems.add("in " + attempt.chat() + " the reply to " + number + " came after the reply to " + before);
        }
        lastAccepted.put(attempt.chat(), Math.max(before, number));
      }
    }
    return problems;
  }

  /** No send to a chat arrives before the retry-after of a 429 to that chat is over. */
  private static List<String> retryAfterProblems(List<Attempt> attempts) {
    List<String> problems = new ArrayList<>();
    for (Attempt limited : attempts) {
      if (!(limited.fault() instanceof TooMany tooMany)) {
        continue;
      }
      // Less 2 ms: the gateway keeps the time of the next attempt to the millisecond, truncated.
      long until = limited.endedAt() + TimeUnit.SECONDS.toNanos(tooMany.retryAfterSeconds())
          - TimeUnit.MILLISECONDS.toNanos(2);
      for (Attempt next : attempts) {
        if (next.chat().equals(limited.chat()) && next.arrivedAt() - limited.endedAt() > 0
            && next.arrivedAt() - until < 0) {
          problems.add("in " + limited.chat() + " " + next + " came "
              + (next.arrivedAt() - limited.endedAt()) / 1_000_000 + " ms after a 429 with retry-after "
              + tooMany.retryAfterSeconds() + " s");
        }
      }
    }
    return problems;
  }

  private record Pacing(List<String> problems, int maxPerReply, int peakPerSecond) {}

  /**
   * No retry storm: after a transient failure (5xx, reset, timeout) of a reply's n-th send, its
   * next send comes at least 0.9 × initial backoff × 2^(n−1) (capped) later — the jitter's lower
   * bound; a reply is sent at most once more than the faults its chat was scripted for, and never
   * more than maxAttempts times.
   */
  private static Pacing pacing(List<Attempt> attempts, Map<String, List<Attempt>> byMessage, Bursts bursts) {
    List<String> problems = new ArrayList<>();
    int maxPerReply = 0;
    for (List<Attempt> tries : byMessage.values()) {
      maxPerReply = Math.max(maxPerReply, tries.size());
      int allowed = Math.min(MAX_ATTEMPTS, bursts.script(tries.getFirst().chat()).size() + 1);
      if (tries.size() > allowed) {
        problems.add(tries.getFirst() + " was one of " + tries.size() + " sends of its reply, more than "
            + allowed + ": " + tries);
      }
      for (int i = 0; i + 1 < tries.size(); i++) {
        Attempt failed = tries.get(i);
        if (!failed.transientFailure()) {
          continue; // A 429: its retry-after decides, checked apart.
        }
        long base = Math.min(INITIAL_BACKOFF.toMillis() << i, MAX_BACKOFF.toMillis());
        long minimum = TimeUnit.MILLISECONDS.toNanos(base - base / 10 - 5);
        long gap = tries.get(i + 1).arrivedAt() - failed.arrivedAt();
        if (gap < minimum) {
          problems.add(failed + " was sent again " + gap / 1_000_000 + " ms after send " + (i + 1)
              + " of its reply failed (" + failed.outcome() + "); the backoff is at least "
              + minimum / 1_000_000 + " ms");
        }
      }
    }
    int peak = 0;
    for (int i = 0, j = 0; i < attempts.size(); i++) {
      while (attempts.get(i).arrivedAt() - attempts.get(j).arrivedAt() > TimeUnit.SECONDS.toNanos(1)) {
        j++;
      }
      peak = Math.max(peak, i - j + 1);
    }
    return new Pacing(problems, maxPerReply, peak);
  }

  /**
   * The chats beside the trouble are not held up: every reply of the clean chat, and every reply of
   * the refusal chat after the refused one, was taken before the chat whose platform kept timing
   * out got its first reply through (four timeouts of 2 s each and their backoff: about 11 s).
   */
  private static List<String> isolationProblems(List<Attempt> attempts, Map<String, String> chats, Message refused) {
    String timeouts = chats.get(TIMEOUT_CHAT);
    long firstThrough = attempts.stream().filter(a -> a.chat().equals(timeouts) && a.accepted())
        .mapToLong(Attempt::arrivedAt).min().orElse(Long.MAX_VALUE);
    List<String> problems = new ArrayList<>();
    for (Attempt attempt : attempts) {
      boolean watched = attempt.chat().equals(chats.get(CLEAN_CHAT))
          || attempt.chat().equals(refused.chat()) && number(attempt) > refused.number();
      if (watched && attempt.accepted() && attempt.arrivedAt() - firstThrough > 0) {
        problems.add(attempt + " was held up: it came after the timing-out chat recovered");
      }
    }
    return problems;
  }

  /** What the gateway recorded: attempts per reply (by message key), and what was wrong with it. */
  private record Recorded(Map<String, Integer> attempts, List<String> problems) {}

  /**
   * What the gateway recorded, read after it stopped: the refused reply is the one failed delivery,
   * after one attempt, and its session got exactly one {@code system} row telling the agent; every
   * other delivery is delivered. Returns the attempts recorded per reply.
   */
  private static Recorded recorded(Path dataDir, Map<String, Message> messages, Message refused) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> attempts = new TreeMap<>();
    String refusedReplyId = null;
    try (Connection central = AgentNotices.readOnly(dataDir.resolve("switchboard.db"));
        Statement s = central.createStatement();
        ResultSet r = s.executeQuery(
            "SELECT message_out_id, platform_id, content, status, attempts, last_error FROM deliveries")) {
      while (r.next()) {
        String text = JSON.readTree(r.getString(3)).path("text").asText();
        Matcher number = NUMBER.matcher(text);
        Message message = number.find() ? messages.get(r.getString(2) + "#" + number.group(1)) : null;
        if (message == null || !text.equals(message.reply())) {
          problems.add("a delivery of no message posted: " + r.getString(2) + " '" + text + "'");
          continue;
        }
        attempts.put(message.key(), r.getInt(5));
        String status = r.getString(4);
        if (message.equals(refused)) {
          refusedReplyId = r.getString(1);
          if (!"failed".equals(status) || r.getInt(5) != 1) {
            problems.add("the refused reply is " + status + " after " + r.getInt(5) + " attempts: " + r.getString(6));
          }
        } else if (!"delivered".equals(status)) {
          problems.add("the reply to " + message + " is " + status + ": " + r.getString(6));
        }
      }
    } catch (SQLException e) {
      problems.add("cannot read the deliveries: " + e);
    }
    if (attempts.size() != messages.size()) {
      problems.add(attempts.size() + " deliveries recorded for " + messages.size() + " messages");
    }
    List<String> told = AgentNotices.told(dataDir, problems);
    List<String> expected = List.of(refused.chat() + " delivery_failed " + refusedReplyId);
    if (!told.equals(expected)) {
      problems.add("the agents were told " + told + "; " + expected + " expected");
    }
    return new Recorded(attempts, problems);
  }

  /**
   * Every send on the wire is an attempt the delivery part made and recorded: as many sends of a
   * reply reached the platform as the gateway counted attempts for it. More sends than attempts is
   * a client library retrying on its own, unpaced and uncounted.
   */
  private static List<String> wireProblems(
      Map<String, List<Attempt>> byMessage, Map<String, Integer> recorded, Map<String, Message> messages,
      Message refused) {
    List<String> problems = new ArrayList<>();
    for (Message message : messages.values()) {
      int onTheWire = byMessage.getOrDefault(message.key(), List.of()).size();
      Integer counted = recorded.get(message.key());
      if (counted != null && counted != onTheWire) {
        problems.add("the reply to " + message + " was sent " + onTheWire + " times on the wire for "
            + counted + " attempts recorded: " + byMessage.getOrDefault(message.key(), List.of()));
      }
    }
    return problems;
  }

  /** The longest time from a chat's last scripted fault ending to its next reply getting through. */
  private static Duration maxRecovery(List<Attempt> attempts, Map<String, String> chats, Bursts bursts) {
    long max = 0;
    for (String chat : chats.values()) {
      List<Attempt> sends = attempts.stream().filter(a -> a.chat().equals(chat) && !(a.fault() instanceof Refused))
          .toList();
      int faults = bursts.script(chat).size();
      if (faults == 0 || sends.size() <= faults) {
        continue;
      }
      Attempt last = sends.get(faults - 1);
      // A held request is over for the channel when its timeout fires, whenever the socket closes.
      long over = last.fault() instanceof Timeout ? last.arrivedAt() + REQUEST_TIMEOUT.toNanos() : last.endedAt();
      max = Math.max(max, sends.get(faults).arrivedAt() - over);
    }
    return Duration.ofNanos(max);
  }

  /** The faults as the platform's log shows them: "9× 429 with retry-after, 8× 5xx, …". */
  private static String faults(List<Attempt> attempts) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    // The same order in every run, whichever fault came first.
    for (String kind : List.of("× 429 with retry-after", "× 5xx", " timeouts (held past " + REQUEST_TIMEOUT.toSeconds()
        + " s)", " connection resets", " slow answers (" + Bursts.SLOW.toMillis() + " ms)", " permanent refusal")) {
      counts.put(kind, 0);
    }
    for (Attempt attempt : attempts) {
      String kind = switch (attempt.fault()) {
        case null -> null;
        case TooMany t -> "× 429 with retry-after";
        case ServerError e -> "× 5xx";
        case Timeout t -> " timeouts (held past " + REQUEST_TIMEOUT.toSeconds() + " s)";
        case Reset r -> " connection resets";
        case Slow s -> " slow answers (" + Bursts.SLOW.toMillis() + " ms)";
        case Refused r -> " permanent refusal";
      };
      if (kind != null) {
        counts.merge(kind, 1, Integer::sum);
      }
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((kind, count) -> {
      if (count > 0) {
        parts.add(count + kind);
      }
    });
    return String.join(", ", parts);
  }

  /** "taken ×40, 429 (retry after 1 s) ×3, …" */
  private static String outcomes(List<Attempt> attempts) {
    Map<String, Integer> counts = new TreeMap<>();
    attempts.forEach(a -> counts.merge(a.outcome(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(k + " ×" + v));
    return attempts.size() + " sends: " + String.join(", ", parts);
  }

  private static String key(Attempt attempt) {
    return attempt.chat() + "#" + number(attempt);
  }

  private static int number(Attempt attempt) {
    Matcher matcher = NUMBER.matcher(attempt.text());
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
  }

  private static String config(FakePlatform platform) {
    String section = platform.channelConfig(REQUEST_TIMEOUT).indent(2);
    return """
        dataDir: data
        pluginsDir: plugins
        http:
          host: 127.0.0.1
          port: 8080
        channels:
        %sdelivery:
          maxAttempts: %d
          initialBackoff: %dms
          maxBackoff: %ds
          rateLimits:
            %s:
              burst: 20
              interval: 100ms
        agentGroups:
          - folder: main
            name: Main
            provider: echo
        wirings:
          - channel: %s
            chat: "*"
            agentGroup: main
        agents:
          maxRunning: 12
        """.formatted(section, MAX_ATTEMPTS, INITIAL_BACKOFF.toMillis(), MAX_BACKOFF.toSeconds(),
        platform.channelType(), platform.channelType());
  }
}
