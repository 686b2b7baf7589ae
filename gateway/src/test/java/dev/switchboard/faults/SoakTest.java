package dev.switchboard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.GatewayProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: a steady load of webhook messages against the real gateway process for a long while
 * (the {@code switchboard.soak} property, e.g. {@code 10m}), with a SIGKILL and restart every
 * {@code switchboard.soak.killEvery} (default 60s). At the end every message answered 202 must
 * have its reply, and the gateway's threads and live heap, sampled every 10 s, must be as flat in
 * the last quarter of the run as in the first. Not part of the normal test run: {@code
 * ./switchboard soak [duration]} runs it.
 */
@EnabledIfSystemProperty(named = "switchboard.soak", matches = ".+")
class SoakTest {
  private static final int SENDERS = 4;
  private static final Duration SEND_PAUSE = Duration.ofMillis(100);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  private static final Duration WARM_UP = Duration.ofSeconds(20);
  private static final int THREAD_MARGIN = 8;
  private static final long HEAP_MARGIN_KIB = 16 * 1024;

  @TempDir Path folder;

  /** One sample of the gateway process. */
  record Sample(long atMillis, int threads, long liveHeapKib) {}

  @Test
  void steady_load_with_kills_loses_nothing_and_stays_flat() throws Exception {
    Duration duration = duration(System.getProperty("switchboard.soak"));
    Duration killEvery = duration(System.getProperty("switchboard.soak.killEvery", "60s"));
    GatewayProcess gateway = GatewayProcess.withDefaultConfig(folder.resolve("gateway"));
    List<String> chats = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      chats.add("soak-" + i);
    }
    WebhookTraffic traffic = new WebhookTraffic(gateway::port, gateway.token(), chats);
    List<Sample> samples = new CopyOnWriteArrayList<>();
    List<Long> recoveries = new ArrayList<>();
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicLong sequence = new AtomicLong();
    AtomicLong refusals = new AtomicLong();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    int kills = 0;
    try (gateway) {
      gateway.start();
      long started = System.nanoTime();
      List<Thread> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        senders.add(Thread.ofPlatform().name("soak-sender-" + s).start(() -> send(traffic, sending, sequence, refusals, unexpected)));
      }
      long end = started + duration.toNanos();
      long nextKill = started + killEvery.toNanos();
      long nextSample = started + WARM_UP.toNanos();
      long lastStart = started;
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        if (now >= nextKill) {
          long killed = System.nanoTime();
          gateway.kill();
          kills++;
          gateway.start();
          recoveries.add((System.nanoTime() - killed) / 1_000_000);
          lastStart = System.nanoTime();
          nextKill = lastStart + killEvery.toNanos();
        } else if (now >= nextSample && now - lastStart >= WARM_UP.toNanos()) {
          samples.add(
              new Sample(
                  (now - started) / 1_000_000,
                  JvmProbe.threads(gateway.pid()),
                  JvmProbe.liveHeapKib(gateway.pid())));
          nextSample = now + SAMPLE_EVERY.toNanos();
        } else {
          WebhookTraffic.pause(Duration.ofMillis(200));
        }
      }
      sending.set(false);
      for (Thread sender : senders) {
        sender.join(Duration.ofSeconds(60));
      }
      WebhookTraffic.Outcome outcome = traffic.awaitReplies(Duration.ofMinutes(3));
      gateway.stop();

      List<String> problems = StoreSnapshot.integrityProblems(gateway.dataDir());
      Flatness flat = Flatness.of(samples);
      long maxRecovery = recoveries.stream().mapToLong(Long::longValue).max().orElse(0);
      FaultReport.record(
          new FaultReport.Row(
              "soak " + text(duration) + " (webhook load, SIGKILL every " + text(killEvery) + ")",
              traffic.accepted(),
              kills + " SIGKILLs; " + refusals.get() + " posts refused while down and sent again",
              outcome.lost().size(),
              outcome.repeated(),
              Duration.ofMillis(maxRecovery),
              flat.describe() + "; integrity_check " + (problems.isEmpty() ? "ok" : problems)));
      assertEquals(List.of(), unexpected, "answers other than 202, or 503 while down");
      assertEquals(List.of(), outcome.lost(), "messages answered 202 without a reply");
      assertEquals(List.of(), problems, "SQLite integrity check");
      assertTrue(samples.size() >= 4, "too few samples for a trend: " + samples);
      assertTrue(
          flat.lastThreads() <= flat.firstThreads() + THREAD_MARGIN,
          "threads grew: " + flat.describe());
      assertTrue(
          flat.lastHeapKib() <= flat.firstHeapKib() + HEAP_MARGIN_KIB,
          "live heap grew: " + flat.describe());
    } finally {
      sending.set(false);
    }
  }

  /** Senders: one message after another, each sent again while refused (as a platform would). */
  private static void send(
      WebhookTraffic traffic,
      AtomicBoolean sending,
      AtomicLong sequence,
      AtomicLong refusals,
      List<String> unexpected) {
    while (sending.get()) {
      long n = sequence.incrementAndGet();
      String id = "soak-m-" + n;
      String chat = traffic.chatOf((int) n);
      while (sending.get()) {
        WebhookTraffic.Posted posted = traffic.post(chat, id, "soak " + n);
        if (posted.status() == 202) {
          break;
        }
        if (posted.status() != 503 && posted.status() != -1) {
          unexpected.add(id + " was answered " + posted);
          return;
        }
        refusals.incrementAndGet();
        WebhookTraffic.pause(Duration.ofMillis(200));
      }
      WebhookTraffic.pause(SEND_PAUSE);
    }
  }

  /** Averages of the first and the last quarter of the samples. */
  record Flatness(int samples, double firstThreads, double lastThreads, double firstHeapKib, double lastHeapKib) {
    static Flatness of(List<Sample> samples) {
      int quarter = Math.max(1, samples.size() / 4);
      List<Sample> first = samples.subList(0, Math.min(quarter, samples.size()));
      List<Sample> last = samples.subList(Math.max(0, samples.size() - quarter), samples.size());
      return new Flatness(
          samples.size(),
          first.stream().mapToInt(Sample::threads).average().orElse(0),
          last.stream().mapToInt(Sample::threads).average().orElse(0),
          first.stream().mapToLong(Sample::liveHeapKib).average().orElse(0),
          last.stream().mapToLong(Sample::liveHeapKib).average().orElse(0));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d samples; threads %.1f first quarter, %.1f last; live heap %.1f MiB first, %.1f MiB last",
          samples, firstThreads, lastThreads, firstHeapKib / 1024, lastHeapKib / 1024);
    }
  }

  /** {@code 10m}, {@code 90s}, {@code 1h}, an ISO-8601 duration, or a number of seconds. */
  static Duration duration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    }
    char unit = t.charAt(t.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    long amount = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("not a duration: " + text + " (use 10m, 90s, 1h)");
    };
  }

  private static String text(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }
}
