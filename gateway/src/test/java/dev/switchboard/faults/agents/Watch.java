package dev.switchboard.faults.agents;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.Await;
import dev.switchboard.GatewayProcess;
import dev.switchboard.faults.agents.GatewayState.AgentState;
import dev.switchboard.faults.agents.GatewayState.SessionRef;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Looks at the gateway every 200 ms while the faults run, as an operator's monitoring would: that
 * {@code /health} and {@code /ready} answer, the agents the central database records per faulty
 * session (each new ref is a new agent), the container statuses it shows, the tries of each fault
 * message, whether a journal lies beside the hanging agent's outbound.db, and the process's RSS.
 */
final class Watch implements AutoCloseable {
  private static final Duration EVERY = Duration.ofMillis(200);

  private final GatewayProcess gateway;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final GatewayState state;
  private final Map<String, SessionRef> sessions;
  private final Map<String, List<Seen>> refs = new LinkedHashMap<>();
  private final Map<String, Set<String>> statuses = new LinkedHashMap<>();
  private final Map<String, List<Integer>> tries = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<String> healthProblems = new ConcurrentLinkedQueue<>();
  private volatile boolean stop;
  private volatile boolean sawJournal;
  private volatile long healthChecks;
  private volatile long rssPeakKib;
  private Thread thread;

  private record Seen(String ref, long atNanos) {}

  Watch(GatewayProcess gateway, GatewayState state, Map<String, SessionRef> sessions) {
    this.gateway = gateway;
    this.state = state;
    this.sessions = sessions;
    sessions.keySet().forEach(fault -> {
      refs.put(fault, new ArrayList<>());
      statuses.put(fault, new LinkedHashSet<>());
      tries.put(fault, new ArrayList<>());
    });
  }

  void start() {
    look();
    thread = Thread.ofPlatform().name("fault-watch").start(() -> {
      while (!stop) {
        try {
          look();
        } catch (RuntimeException e) {
          healthProblems.add("looking failed: " + e);
        }
        Await.pause(EVERY);
      }
    });
  }

  private void look() {
    checkHealth();
    rss().ifPresent(kib -> rssPeakKib = Math.max(rssPeakKib, kib));
    Map<String, AgentState> agents = state.agents();
    long now = System.nanoTime();
    synchronized (this) {
      for (Map.Entry<String, SessionRef> e : sessions.entrySet()) {
        String fault = e.getKey();
        AgentState agent = agents.get("fault-" + fault);
        if (agent != null) {
          statuses.get(fault).add(agent.containerStatus());
          List<Seen> seen = refs.get(fault);
          if (agent.ref() != null && (seen.isEmpty() || !seen.getLast().ref().equals(agent.ref()))) {
            seen.add(new Seen(agent.ref(), now));
          }
        }
        if (fault.equals("hang") && Files.exists(e.getValue().dir().resolve("outbound.db-journal"))) {
          sawJournal = true;
        }
      }
    }
    for (String fault : List.of("crash", "hang", "noack")) {
      SessionRef session = sessions.get(fault);
      state.inbound(session, "fault-" + fault).ifPresent(row -> {
        synchronized (this) {
          List<Integer> seen = tries.get(fault);
          if (row.tries() > 0 && row.status().equals("pending")
              && (seen.isEmpty() || seen.getLast() != row.tries())) {
            seen.add(row.tries());
          }
        }
      });
    }
  }

  private void checkHealth() {
    healthChecks++;
    Optional<String> health = get("/health");
    Optional<String> ready = get("/ready");
    if (health.isPresent() && ready.isPresent() && !ready.get().contains("\"ready\":true")) {
      healthProblems.add("/ready: " + ready.get());
    }
  }

  /** The body of a 200 answer, or empty (the problem noted) when there was none within 5 s. */
  private Optional<String> get(String path) {
    long began = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        healthProblems.add(path + " answered " + response.statusCode() + ": " + response.body());
        return Optional.empty();
      }
      return Optional.of(response.body());
    } catch (IOException e) {
      healthProblems.add(
          path + " did not answer (" + e + ") after " + (System.nanoTime() - began) / 1_000_000 + " ms");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Optional<Long> rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(gateway.pid()), "status"), UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  synchronized List<String> refs(String fault) {
    return refs.get(fault).stream().map(Seen::ref).toList();
  }

  /** When the first agent after {@code nanos} was seen for the fault's session. */
  synchronized Optional<Long> firstRestartAfter(String fault, long nanos) {
    return refs.get(fault).stream().filter(s -> s.atNanos() > nanos).map(Seen::atNanos).findFirst();
  }

  synchronized Set<String> statuses(String fault) {
    return Set.copyOf(statuses.get(fault));
  }

  synchronized List<Integer> tries(String fault) {
    return List.copyOf(tries.get(fault));
  }

  boolean sawJournal() {
    return sawJournal;
  }

  long healthChecks() {
    return healthChecks;
  }

  long healthFailures() {
    return healthProblems.size();
  }

  List<String> healthProblems() {
    return List.copyOf(healthProblems);
  }

  long rssPeakKib() {
    return rssPeakKib;
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    if (thread != null) {
      thread.join(Duration.ofSeconds(30));
    }
    http.close();
  }
}
