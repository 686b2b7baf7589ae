package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Whether a long history slows a session down: two sessions get one exchange each on a first
 * gateway, which is then stopped; one of them gets {@code rows} finished exchanges written straight
 * into its tables ({@link HistoryPrefill}); a second gateway on the same data folder then answers
 * one message at a time, alternating between the empty session and the full one, so that both see
 * the same machine. The figure is the ratio of their round trips.
 */
final class HistoryScenario {
  static final String EMPTY_CHAT = "h-empty";
  static final String FULL_CHAT = "h-full";
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

  /** How many rows of history, and how many round trips per session. */
  record Spec(long rows, int samples) {}

  /** The history written, and the round trips of each session. */
  record Result(
      Spec spec,
      Duration prefill,
      HistoryPrefill.Result files,
      long[] emptyNanos,
      Latencies.Summary empty,
      long[] fullNanos,
      Latencies.Summary full) {
    double p50Ratio() {
      return empty.p50Ms() <= 0 ? 0 : full.p50Ms() / empty.p50Ms();
    }

    double p99Ratio() {
      return empty.p99Ms() <= 0 ? 0 : full.p99Ms() / empty.p99Ms();
    }
  }

  /** Starts a gateway on a data folder (the same one twice). */
  @FunctionalInterface
  interface Starter {
    GatewayProcess start(Path folder) throws InterruptedException;
  }

  private HistoryScenario() {}

  static Result run(Starter starter, Path folder, Spec spec) throws InterruptedException {
    try (GatewayProcess first = starter.start(folder);
        LoopbackHttp http = WebhookClient.newHttpClient()) {
      WebhookClient client = new WebhookClient(http, first.base(), first.token());
      for (String chat : new String[] {EMPTY_CHAT, FULL_CHAT}) {
        new ChatProbe(client, chat).roundTrip("first-" + chat, "hello", REPLY_TIMEOUT);
      }
    } catch (IOException e) {
      throw new IllegalStateException("creating the history scenario's sessions failed: " + e, e);
    }
    // The first gateway has stopped: its files are quiet.
    long prefillStart = System.nanoTime();
    HistoryPrefill.Result files =
        HistoryPrefill.fill(folder.resolve("data"), "webhook", FULL_CHAT, spec.rows());
    Duration prefill = Duration.ofNanos(System.nanoTime() - prefillStart);

    try (GatewayProcess gateway = starter.start(folder);
        LoopbackHttp http = WebhookClient.newHttpClient()) {
      WebhookClient client = new WebhookClient(http, gateway.base(), gateway.token());
      ChatProbe empty = new ChatProbe(client, EMPTY_CHAT).skipExisting();
      ChatProbe full = new ChatProbe(client, FULL_CHAT).skipExisting();
      // One exchange each first, so that both agents run and both files are open-warm.
      empty.roundTrip("warm-" + EMPTY_CHAT, "warm up", REPLY_TIMEOUT);
      full.roundTrip("warm-" + FULL_CHAT, "warm up", REPLY_TIMEOUT);
      long[] emptyNanos = new long[spec.samples()];
      long[] fullNanos = new long[spec.samples()];
      for (int i = 0; i < spec.samples(); i++) {
        // Alternating, and which goes first alternates too, so neither gains from the other.
        if (i % 2 == 0) {
          emptyNanos[i] = empty.roundTrip("m-" + i, "message " + i, REPLY_TIMEOUT);
          fullNanos[i] = full.roundTrip("m-" + i, "message " + i, REPLY_TIMEOUT);
        } else {
          fullNanos[i] = full.roundTrip("m-" + i, "message " + i, REPLY_TIMEOUT);
          emptyNanos[i] = empty.roundTrip("m-" + i, "message " + i, REPLY_TIMEOUT);
        }
      }
      Arrays.sort(emptyNanos);
      Arrays.sort(fullNanos);
      return new Result(
          spec, prefill, files, emptyNanos, Latencies.Summary.of(emptyNanos), fullNanos,
          Latencies.Summary.of(fullNanos));
    } catch (IOException e) {
      throw new IllegalStateException("the history scenario's round trips failed: " + e, e);
    }
  }
}
