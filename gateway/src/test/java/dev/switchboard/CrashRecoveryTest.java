package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.WebhookClient.Answer;
import dev.switchboard.WebhookClient.Page;
import dev.switchboard.WebhookClient.Refused;
import dev.switchboard.WebhookClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability claim, end to end, against the real gateway process: while clients post as fast
 * as they can and read replies, the gateway is SIGKILLed at random moments and started again on the
 * same data. A post that got no answer is retried with the same id after the restart, as platforms
 * do. In the end every message that was answered 202 has exactly one reply, and nothing else does.
 *
 * <p>The run is driven by one seed (printed; replay with {@code -Dswitchboard.crash.seed=<seed>}):
 * it picks the number of kills, how much traffic flows before each, and every message's chat.
 */
class CrashRecoveryTest {
  private static final long DEFAULT_SEED = 20_261_126L;
  private static final int POSTERS = 4;
  private static final int CHATS = 10;
  private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(20);

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void every_message_answered_202_gets_exactly_one_reply_although_the_gateway_is_sigkilled_at_random_moments()
      throws Exception {
    long seed = Long.getLong("switchboard.crash.seed", DEFAULT_SEED);
    Random random = new Random(seed);
    int kills = 3 + random.nextInt(3);
    System.out.printf(
        "crash test: seed %d (replay with -Dswitchboard.crash.seed=%d), %d posters, %d chats,"
            + " %d kills planned%n",
        seed, seed, POSTERS, CHATS, kills);
    long began = System.nanoTime();

    GatewayProcess gateway = gateways.withConfig(folder.resolve("gateway"), config());
    gateway.start();
    WebhookClient client = gateway.webhook();
    Ledger ledger = new Ledger();
    Feeds feeds = new Feeds(client);
    AtomicBoolean stopPosting = new AtomicBoolean();
    AtomicBoolean abandon = new AtomicBoolean();
    List<Thread> posters = new ArrayList<>();
    for (int i = 0; i < POSTERS; i++) {
      Poster poster =
          new Poster(i, new Random(seed * 31 + i), client, ledger, stopPosting, abandon);
      posters.add(Thread.ofPlatform().daemon().name("poster-" + i).start(poster));
    }
    feeds.start();

    try {
      int killed = 0;
      for (int k = 1; k <= kills; k++) {
        awaitTraffic(gateway, ledger, feeds, 60 + random.nextInt(240), "kill #" + k);
        int acceptedBefore = ledger.accepted.size();
        gateway.kill();
        killed++;
        System.out.printf(
            "crash test: kill #%d after %d accepted messages and %d replies%n",
            k, acceptedBefore, feeds.replies.get());
        gateway.start();
      }
      awaitTraffic(gateway, ledger, feeds, 50 + random.nextInt(100), "the end of posting");
      stopPosting.set(true);
      for (Thread poster : posters) {
        assertTrue(
            poster.join(GIVE_UP_AFTER.plusSeconds(10)),
            poster.getName() + " did not finish its last post");
      }

      Await.until(
          "every message answered 202 has a reply in its chat's feed",
          DRAIN_TIMEOUT,
          () -> ledger.accepted.keySet().stream().allMatch(feeds.seen::containsKey),
          () -> "still without a reply: " + missing(ledger, feeds) + "\n" + gateway.logTail(40));
      feeds.stop();

      Map<String, List<Reply>> finalFeeds = new HashMap<>();
      for (int c = 0; c < CHATS; c++) {
        finalFeeds.put(chat(c), readWholeFeed(client, chat(c)));
      }
      int exitCode = gateway.stop();
      double seconds = (System.nanoTime() - began) / 1e9;

      List<Reply> allReplies = finalFeeds.values().stream().flatMap(List::stream).toList();
      Map<String, List<Reply>> byReplyTo =
          allReplies.stream()
              .collect(Collectors.groupingBy(r -> String.valueOf(r.replyTo())));
      int duplicateReplies = allReplies.size() - byReplyTo.size();
      System.out.printf(
          "crash test: seed %d, %d kills, %d messages accepted (%d stored, %d duplicate on retry),"
              + " %d retried after no answer, %d HTTP posts (%d without answer, %d refused with 503),"
              + " %d replies, %d duplicate replies, %.1f s%n",
          seed, killed, ledger.accepted.size(), ledger.count("stored"), ledger.count("duplicate"),
          ledger.retried(), ledger.posts.get(), ledger.noAnswer.get(), ledger.refused.get(),
          allReplies.size(), duplicateReplies, seconds);

      List<String> problems = new ArrayList<>(ledger.problems);
      problems.addAll(feeds.problems);
      for (Sent sent : ledger.accepted.values()) {
        List<Reply> replies = byReplyTo.getOrDefault(sent.id, List.of());
        if (replies.size() != 1) {
          problems.add(sent + " has " + replies.size() + " replies: " + replies);
          continue;
        }
        Reply reply = replies.get(0);
        if (!("echo: " + sent.text).equals(reply.text()) || !sent.chat.equals(reply.chat())) {
          problems.add(sent + " got a wrong reply: " + reply);
        }
      }
      byReplyTo.forEach(
          (replyTo, replies) -> {
            if (!ledger.accepted.containsKey(replyTo)) {
              problems.add("replies to a message that was never answered 202: " + replies);
            }
          });
      for (int c = 0; c < CHATS; c++) {
        List<String> live = feeds.ids(chat(c));
        List<String> complete = finalFeeds.get(chat(c)).stream().map(Reply::id).toList();
        if (!live.equals(complete)) {
          problems.add(
              "the long-poll reader of " + chat(c) + " saw " + live.size()
                  + " entries across the restarts, but the feed holds " + complete.size()
                  + ": a cursor did not survive a crash, or the feed changed below it");
        }
      }
      problems.addAll(sessionProblems(gateway.dataDir(), ledger));
      problems.addAll(deliveryProblems(gateway.dataDir()));
      assertEquals(
          List.of(),
          problems.stream().limit(50).toList(),
          problems.size() + " durability problems (first 50 shown)");
      assertEquals(0, duplicateReplies, "duplicate replies");
      assertEquals(kills, killed, "kills");
      assertTrue(
          ledger.retried() > 0,
          "no post was retried after a kill, so the kills did not hit traffic in flight");
      assertTrue(exitCode == 143 || exitCode == 0, "exit code after SIGTERM was " + exitCode);
      String lastRun = gateway.log().substring(gateway.log().lastIndexOf("#### test harness: start"));
      assertTrue(lastRun.contains("stopped"), "the log of the last run does not say stopped");
    } finally {
      stopPosting.set(true);
      abandon.set(true);
      feeds.stop();
    }
  }

  /**
   * The default config, with a slot for every chat's agent: with fewer slots than busy sessions,
   * the sessions beyond them wait until a running agent has been idle for the idle timeout (30
   * minutes), which is a question of scheduling, not of durability.
   */
  private static String config() {
    return GatewayProcess.defaultConfig() + "\nagents:\n  maxRunning: " + (CHATS + 6) + "\n";
  }

  /**
   * Waits until {@code target} more messages were accepted and at least one more reply was read
   * since this call, so that the next kill lands while both flow.
   */
  private static void awaitTraffic(
      GatewayProcess gateway, Ledger ledger, Feeds feeds, int target, String before) {
    int accepted = ledger.accepted.size();
    int replies = feeds.replies.get();
    Await.until(
        target + " more accepted messages and a new reply before " + before,
        PHASE_TIMEOUT,
        () -> ledger.accepted.size() >= accepted + target && feeds.replies.get() > replies,
        () -> "accepted " + ledger.accepted.size() + ", replies " + feeds.replies.get()
            + ", problems " + ledger.problems + " " + feeds.problems + "\n" + gateway.logTail(40));
  }

  private static String chat(int index) {
    return "chat-" + index;
  }

  private static List<Reply> readWholeFeed(WebhookClient client, String chat)
      throws IOException, InterruptedException {
    try {
      return client.fetchAll(chat);
    } catch (Refused e) {
      if (e.status == 404) {
        return List.of();
      }
      throw e;
    }
  }

  private static String missing(Ledger ledger, Feeds feeds) {
    List<String> ids =
        ledger.accepted.keySet().stream().filter(id -> !feeds.seen.containsKey(id)).sorted().toList();
    return ids.size() + " " + ids.stream().limit(20).toList();
  }

  /**
   * What the session folders say, read after the gateway stopped: every accepted message is one
   * inbound row, completed, answered by exactly one outbound row, which the host recorded as
   * delivered. An agent that answered twice shows here even if the second answer was never sent.
   */
  private static List<String> sessionProblems(Path dataDir, Ledger ledger) throws IOException {
    Map<String, Integer> inbound = new HashMap<>();
    Map<String, Integer> outbound = new HashMap<>();
    List<String> problems = new ArrayList<>();
    List<Path> sessions;
    try (Stream<Path> files = Files.find(dataDir.resolve("sessions"), 3,
        (path, attributes) -> path.getFileName().toString().equals("inbound.db"))) {
      sessions = files.map(Path::getParent).toList();
    }
    for (Path session : sessions) {
      try (Connection in = readOnly(session.resolve("inbound.db"));
          Connection out = readOnly(session.resolve("outbound.db"));
          Statement s = in.createStatement();
          Statement t = out.createStatement()) {
        try (ResultSet r = s.executeQuery("SELECT id, status FROM messages_in WHERE kind = 'chat'")) {
          while (r.next()) {
            inbound.merge(r.getString(1), 1, Integer::sum);
            if (!"completed".equals(r.getString(2))) {
              problems.add("inbound " + r.getString(1) + " of " + session.getFileName() + " is "
                  + r.getString(2));
            }
          }
        }
        List<String> outIds = new ArrayList<>();
        try (ResultSet r = t.executeQuery("SELECT id, in_reply_to FROM messages_out")) {
          while (r.next()) {
            outIds.add(r.getString(1));
            outbound.merge(String.valueOf(r.getString(2)), 1, Integer::sum);
          }
        }
        List<String> delivered = new ArrayList<>();
        try (ResultSet r =
            s.executeQuery("SELECT message_out_id FROM delivered WHERE status = 'delivered'")) {
          while (r.next()) {
            delivered.add(r.getString(1));
          }
        }
        Collections.sort(outIds);
        Collections.sort(delivered);
        if (!outIds.equals(delivered)) {
          problems.add("session " + session.getFileName() + " has " + outIds.size()
              + " outbound rows but " + delivered.size() + " recorded deliveries");
        }
      } catch (SQLException e) {
        problems.add("cannot read session " + session + ": " + e);
      }
    }
    for (String id : ledger.accepted.keySet()) {
      if (inbound.getOrDefault(id, 0) != 1) {
        problems.add(id + " is stored " + inbound.getOrDefault(id, 0) + " times in messages_in");
      }
      if (outbound.getOrDefault(id, 0) != 1) {
        problems.add(id + " is answered by " + outbound.getOrDefault(id, 0) + " rows in messages_out");
      }
    }
    return problems;
  }

  /**
   * What the host's own delivery records say: every reply was delivered, and no attempt failed.
   * The webhook channel never fails an append here, so a recorded error means an attempt was spent
   * without reaching the channel (for instance one tried before the channel ran after a restart).
   */
  private static List<String> deliveryProblems(Path dataDir) {
    List<String> problems = new ArrayList<>();
    try (Connection central = readOnly(dataDir.resolve("switchboard.db"));
        Statement s = central.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT message_out_id, in_reply_to, status, attempts, last_error FROM deliveries"
                    + " WHERE status <> 'delivered' OR last_error IS NOT NULL")) {
      while (r.next()) {
        problems.add("the reply " + r.getString(1) + " to " + r.getString(2) + " is "
            + r.getString(3) + " after " + r.getInt(4) + " attempts (last error: "
            + r.getString(5) + ")");
      }
    } catch (SQLException e) {
      problems.add("cannot read the deliveries: " + e);
    }
    return problems;
  }

  private static Connection readOnly(Path file) throws SQLException {
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }

  /** A message a poster sent, and how it was finally answered. */
  private static final class Sent {
    final String id;
    final String chat;
    final String text;
    volatile String outcome;
    volatile int attempts;

    Sent(String id, String chat, String text) {
      this.id = id;
      this.chat = chat;
      this.text = text;
    }

    @Override
    public String toString() {
      return "message " + id + " in " + chat + " (" + outcome + " after " + attempts + " posts)";
    }
  }

  /** What the posters saw. */
  private static final class Ledger {
    final Map<String, Sent> accepted = new ConcurrentHashMap<>();
    final Queue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicInteger posts = new AtomicInteger();
    final AtomicInteger noAnswer = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    long count(String outcome) {
      return accepted.values().stream().filter(s -> outcome.equals(s.outcome)).count();
    }

    long retried() {
      return accepted.values().stream().filter(s -> s.attempts > 1).count();
    }
  }

  /**
   * One client thread: posts messages with unique ids as fast as it can until {@code stop}; a post
   * that gets no answer (the gateway was killed, or is starting) or a 503 is retried with the same
   * id until it is answered 202, or the test is over ({@code abandon}).
   */
  private record Poster(
      int index,
      Random random,
      WebhookClient client,
      Ledger ledger,
      AtomicBoolean stop,
      AtomicBoolean abandon)
      implements Runnable {
    @Override
    public void run() {
      for (int n = 1; !stop.get(); n++) {
        String chat = chat(random.nextInt(CHATS));
        String id = "p" + index + "-" + n;
        Sent sent = new Sent(id, chat, "hello " + n + " from poster " + index + " #" + random.nextInt(1_000_000));
        if (!deliver(sent)) {
          return;
        }
      }
    }

    private boolean deliver(Sent sent) {
      long giveUp = System.nanoTime() + GIVE_UP_AFTER.toNanos();
      while (true) {
        sent.attempts++;
        ledger.posts.incrementAndGet();
        try {
          Answer answer = client.post(sent.chat, sent.id, sent.text);
          String outcome = answer.status() == 202 ? answer.outcome() : "";
          if (outcome.equals("stored") || outcome.equals("duplicate")) {
            sent.outcome = outcome;
            ledger.accepted.put(sent.id, sent);
            return true;
          }
          if (answer.status() != 503) {
            ledger.problems.add(sent + " was answered " + answer.status() + " " + answer.body());
            return false;
          }
          ledger.refused.incrementAndGet();
        } catch (IOException e) {
          ledger.noAnswer.incrementAndGet();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
        if (abandon.get()) {
          return false;
        }
        if (System.nanoTime() - giveUp > 0) {
          ledger.problems.add(sent + " was never answered 202 within " + GIVE_UP_AFTER);
          return false;
        }
        Await.pause(RETRY_PAUSE);
      }
    }
  }

  /**
   * One long-poll reader per chat, as an integrator runs them: reads on from its cursor, and after
   * a failed request (the gateway was killed) asks again with the same cursor.
   */
  private static final class Feeds {
    final WebhookClient client;
    final Map<String, List<Reply>> live = new ConcurrentHashMap<>();
    final Map<String, Integer> seen = new ConcurrentHashMap<>();
    final AtomicInteger replies = new AtomicInteger();
    final Queue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> readers = new ArrayList<>();

    Feeds(WebhookClient client) {
      this.client = client;
    }

    void start() {
      for (int c = 0; c < CHATS; c++) {
        String chat = chat(c);
        live.put(chat, Collections.synchronizedList(new ArrayList<>()));
        readers.add(Thread.ofVirtual().name("reader-" + chat).start(() -> read(chat)));
      }
    }

    private void read(String chat) {
      String cursor = null;
      while (!stop.get()) {
        try {
          Page page = client.fetch(chat, cursor, 1);
          for (Reply reply : page.messages()) {
            live.get(chat).add(reply);
            seen.merge(String.valueOf(reply.replyTo()), 1, Integer::sum);
            replies.incrementAndGet();
          }
          cursor = page.cursor();
          continue;
        } catch (Refused e) {
          if (e.status != 404 && e.status != 503) {
            problems.add("reading " + chat + " after cursor " + cursor + " was " + e.getMessage());
            return;
          }
        } catch (IOException e) {
          // The gateway is down or restarting: ask again with the same cursor.
        } catch (InterruptedException e) {
          return;
        }
        Await.pause(RETRY_PAUSE);
      }
    }

    List<String> ids(String chat) {
      List<Reply> replies = live.get(chat);
      synchronized (replies) {
        return replies.stream().map(Reply::id).toList();
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread reader : readers) {
        reader.join(Duration.ofSeconds(15));
      }
    }
  }
}
