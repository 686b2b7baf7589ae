package dev.switchboard.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Many sessions, then rest: every one of {@code sessions} chats gets one message (a bounded
 * number in flight) and its echo reply, so that each has its messaging group, session, folder and
 * both databases; once every agent has stopped (the gateway of this scenario stops idle agents
 * after a short timeout), the gateway is left alone and its CPU and memory are read; then
 * messages to sessions spread over all of them measure how long a cold session takes to answer.
 */
final class ScaleScenario {
  private static final Duration CHECK_EVERY = Duration.ofMillis(250);
  private static final Duration WAKE_TIMEOUT = Duration.ofSeconds(30);

  /** Sizes and limits of one run. */
  record Spec(
      int sessions,
      int clients,
      Duration creationTimeout,
      Duration agentsStopTimeout,
      Duration idle,
      int wakeSamples) {
    List<String> chats() {
      return IntStream.range(0, sessions).mapToObj(i -> "s-" + i).toList();
    }
  }

  /** The figures: creation, the idle gateway, and cold wakes. */
  record Result(
      Spec spec,
      ClosedLoopLoad.Result posted,
      Duration creation,
      double creationCpuMillisPerSession,
      Duration agentsStopped,
      double rssAfterCreationMib,
      double idleCpuPercent,
      double idleSystemPercent,
      double idleRssMib,
      double peakRssMib,
      int threads,
      int openFiles,
      long[] wakeNanos,
      Latencies.Summary wake) {
    double sessionsPerSecond() {
      double seconds = creation.toNanos() / 1e9;
      return seconds <= 0 ? 0 : spec.sessions() / seconds;
    }
  }

  private ScaleScenario() {}

  static Result run(GatewayProcess gateway, Spec spec) throws InterruptedException {
    List<String> chats = spec.chats();
    try (LoopbackHttp http = WebhookClient.newHttpClient();
        LoopbackHttp probeHttp = WebhookClient.newHttpClient()) {
      WebhookClient client = new WebhookClient(http, gateway.base(), gateway.token());
      // Its own client: the probe's requests never wait behind the posts' connections.
      GatewayProbe probe = new GatewayProbe(probeHttp, gateway.base());
      ProcessStats.Sample atStart = gateway.sample();
      long start = System.nanoTime();
      ClosedLoopLoad.Result posted =
          ClosedLoopLoad.oncePerChat(client, spec.clients(), chats, "c-", spec.creationTimeout());
      if (posted.acked() < spec.sessions()) {
        throw new IllegalStateException(
            "only " + posted.acked() + " of " + spec.sessions() + " first messages were stored\n"
                + gateway.logTail(40));
      }
      long left = spec.creationTimeout().toNanos() - (System.nanoTime() - start);
      if (!await(() -> probe.delivered() >= spec.sessions(), Duration.ofNanos(Math.max(0, left)))) {
        throw new IllegalStateException(
            "only " + probe.delivered() + " of " + spec.sessions() + " sessions answered within "
                + Format.duration(spec.creationTimeout()) + "\n" + gateway.logTail(40));
      }
      Duration creation = Duration.ofNanos(System.nanoTime() - start);
      ProcessStats.Sample created = gateway.sample();
      double cpuPerSession = (double) created.cpuMillisSince(atStart) / spec.sessions();

      long stopStart = System.nanoTime();
      if (!await(() -> probe.agents().none(), spec.agentsStopTimeout())) {
        throw new IllegalStateException(
            "agents still running after " + Format.duration(spec.agentsStopTimeout()) + ": "
                + probe.agents() + "\n" + gateway.logTail(40));
      }
      Duration agentsStopped = Duration.ofNanos(System.nanoTime() - stopStart);

      ProcessStats.Sample before = gateway.sample();
      Pause.of(spec.idle());
      ProcessStats.Sample after = gateway.sample();
      int threads = ProcessStats.threads(gateway.pid());
      int openFiles = ProcessStats.openFiles(gateway.pid());

      long[] wakes = new long[spec.wakeSamples()];
      for (int i = 0; i < wakes.length; i++) {
        // Spread over every session, the oldest first: none of them has a running agent.
        String chat = chats.get((int) ((long) i * chats.size() / wakes.length));
        ChatProbe chatProbe = new ChatProbe(client, chat).skipExisting();
        wakes[i] = chatProbe.roundTrip("wake-" + i, "wake up " + i, WAKE_TIMEOUT);
      }
      long[] sorted = wakes.clone();
      java.util.Arrays.sort(sorted);
      return new Result(
          spec, posted, creation, cpuPerSession, agentsStopped, created.rssMib(), after.cpuPercentSince(before),
          after.systemPercentSince(before), after.rssMib(), after.peakRssMib(), threads, openFiles,
          sorted, Latencies.Summary.of(sorted));
    } catch (IOException e) {
      throw new IllegalStateException("talking to the gateway failed: " + e + "\n" + gateway.logTail(40), e);
    }
  }

  /** A check that may talk to the gateway. */
  @FunctionalInterface
  interface Check {
    boolean holds() throws IOException, InterruptedException;
  }

  /**
   * Checks every quarter second until {@code check} holds or {@code timeout} passes. A check that
   * fails to reach the gateway (a busy gateway may answer late) is tried again; only the last
   * failure at the deadline is thrown.
   */
  static boolean await(Check check, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      IOException failure = null;
      try {
        if (check.holds()) {
          return true;
        }
      } catch (IOException e) {
        failure = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        if (failure != null) {
          throw failure;
        }
        return false;
      }
      Pause.until(Math.min(deadline, System.nanoTime() + CHECK_EVERY.toNanos()));
    }
  }
}
