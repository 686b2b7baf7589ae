package dev.switchboard.agents;

import dev.switchboard.delivery.SessionFixture;
import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.RunningAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A provider whose agents do only what a test tells them: by default they start, do nothing (no
 * acks, no heartbeat) and exit when stopped. {@link #onStart} scripts what each new agent does
 * first; the test drives the rest through {@link FakeAgent}.
 */
final class FakeProvider implements AgentProvider {
  private final String name;
  private final List<FakeAgent> started = new CopyOnWriteArrayList<>();
  private final List<String> cleanedUp = new CopyOnWriteArrayList<>();
  private final List<String> events;
  private volatile Consumer<FakeAgent> onStart = agent -> {};

  /** @param events a log shared by the test: "start <session>", "exit <session>" */
  FakeProvider(String name, List<String> events) {
    this.name = name;
    this.events = events;
  }

  FakeProvider onStart(Consumer<FakeAgent> behaviour) {
    this.onStart = behaviour;
    return this;
  }

  List<FakeAgent> started() {
    return List.copyOf(started);
  }

  List<FakeAgent> startedFor(String sessionId) {
    return started.stream().filter(a -> a.sessionId().equals(sessionId)).toList();
  }

  List<String> cleanedUp() {
    return List.copyOf(cleanedUp);
  }

  @Override
  public RunningAgent start(AgentLaunch launch) {
    FakeAgent agent = new FakeAgent(launch, name + "-" + (started.size() + 1), events);
    events.add("start " + launch.sessionId());
    started.add(agent);
    onStart.accept(agent);
    return agent;
  }

  @Override
  public void cleanUpStale(String ref) {
    cleanedUp.add(ref);
  }

  /** An agent that works the session files only when the test says so. */
  static final class FakeAgent implements RunningAgent {
    final AgentLaunch launch;
    final Instant startedAt = Instant.now();
    private final String ref;
    private final List<String> events;
    private final CompletableFuture<Void> exit = new CompletableFuture<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private volatile boolean stopRequested;

    FakeAgent(AgentLaunch launch, String ref, List<String> events) {
      this.launch = launch;
      this.ref = ref;
      this.events = events;
    }

    String sessionId() {
      return launch.sessionId();
    }

    @Override
    public String ref() {
      return ref;
    }

    @Override
    public CompletableFuture<Void> onExit() {
      return exit;
    }

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }

    int wakes() {
      return wakes.get();
    }

    @Override
    public void stop(Duration grace) {
      stopRequested = true;
      exit(null);
    }

    boolean stopRequested() {
      return stopRequested;
    }

    boolean exited() {
      return exit.isDone();
    }

    /** Dies on its own, as a process that crashed. */
    void crash() {
      exit(null);
    }

    void crashWith(Throwable error) {
      exit(error);
    }

    // The event is logged before the exit completes: the supervisor may start the next agent from
    // within the completion.
    private synchronized void exit(Throwable error) {
      if (exit.isDone()) {
        return;
      }
      events.add("exit " + launch.sessionId());
      if (error == null) {
        exit.complete(null);
      } else {
        exit.completeExceptionally(error);
      }
    }

    /** Takes every pending row: acks it 'processing' in outbound.db. */
    void takePending() {
      pendingIds().forEach(id -> SessionFixture.ack(launch.outboundDb(), id, "processing"));
    }

    /** Answers every pending row: acks it 'completed' in outbound.db. */
    void completePending() {
      pendingIds().forEach(id -> SessionFixture.ack(launch.outboundDb(), id, "completed"));
    }

    void beat() {
      try {
        if (Files.exists(launch.heartbeat())) {
          Files.setLastModifiedTime(launch.heartbeat(), FileTime.from(Instant.now()));
        } else {
          Files.createFile(launch.heartbeat());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private List<String> pendingIds() {
      try (Connection c = SessionFixture.agentConnection(launch.inboundDb());
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id FROM messages_in WHERE status = 'pending'")) {
        List<String> ids = new ArrayList<>();
        while (r.next()) {
          ids.add(r.getString(1));
        }
        return ids;
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
