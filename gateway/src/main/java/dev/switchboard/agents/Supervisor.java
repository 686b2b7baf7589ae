package dev.switchboard.agents;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.RunningAgent;
import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.AgentRuns;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.Times;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agents: starts one when its session has due work, at most {@code maxRunning} at once
 * (further sessions wait in arrival order), stops idle ones, restarts one whose process died or
 * whose heartbeat went stale while it had work, retries the rows it died on with backoff, and at
 * start reconciles what a previous run of the gateway left running.
 *
 * <p>It talks to nothing but the tables and its providers: the router's wake calls and the
 * watcher's change calls are hints to look now.
 */
public final class Supervisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
  private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(5);

  private final CentralDb central;
  private final SessionFiles files;
  private final Map<String, AgentProvider> providers;
  private final AgentSettings settings;
  private final Clock clock;
  private final AckSync acks;
  private final Unfinished unfinished = new Unfinished();
  private final SessionWatcher watcher;
  private final Consumer<String> outboundListener;
  private final Consumer<FailedMessage> failures;
  private final ScheduledExecutorService timer;
  private final Duration tick;
  private final Duration firstRestartDelay;

  /** How long an idle agent keeps its slot while other sessions wait for one. */
  private static final Duration YIELD_AFTER = Duration.ofSeconds(2);

  private final ReentrantLock lock = new ReentrantLock();
  private volatile long routingVersion = -1;
  private static final int SLOT_CHECK_EVERY = 5;
  private long ticks;
  private final java.util.Set<String> acksToSync = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // Sessions whose files a look is reading now, and the looks in flight (awaited by close).
  private final java.util.Set<String> looking = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.Phaser lookers = new java.util.concurrent.Phaser(1);
  /**
   * Platform threads for the looks, kept for a while between them: a busy gateway looks at its
   * sessions several times a second, and a thread started per look costs more than the look.
   */
  private final java.util.concurrent.ExecutorService lookThreads =
      IdleThreads.pool("look-");
  // Clean-ups after agents that exited, in flight (awaited by close, which closes the store next).
  private final java.util.concurrent.Phaser exits = new java.util.concurrent.Phaser(1);
  private final Map<String, Slot> running = new HashMap<>();
  private final LinkedHashSet<String> queue = new LinkedHashSet<>();
  private final Map<String, Integer> crashes = new HashMap<>();
  private final Map<String, Instant> restartAfter = new HashMap<>();
  private boolean closed;

  /** A running (or starting) agent. */
  private static final class Slot {
    final String sessionId;
    volatile RunningAgent agent;
    volatile Path dir;
    volatile String provider;
    volatile Instant startedAt;
    volatile Instant lastActivity;
    volatile boolean stopRequested;
    volatile boolean killing;
    // Why the supervisor killed it (stale heartbeat, rows left untaken); null: it exited itself.
    volatile Kill kill;
    volatile Instant lastOutboundChange;
    // Since when the agent has had due rows, none in processing, and written nothing (written by
    // one look at a time).
    volatile Instant untakenSince;
    Thread starter;

    Slot(String sessionId, Instant now) {
      this.sessionId = sessionId;
      this.startedAt = now;
      this.lastActivity = now;
      this.lastOutboundChange = now;
    }
  }

  /** Why the supervisor ended an agent that had work. */
  private enum Kill {
    STALE_HEARTBEAT("stopped sending heartbeats while working on it"),
    UNTAKEN("left it untaken (no ack) while alive");

    final String reason;

    Kill(String reason) {
      this.reason = reason;
    }
  }

  /**
   * @param outboundListener told a session id when its outbound.db should be read (after changes,
   *     when an agent exits, and for sessions a previous run left running)
   * @param failures told of every message given up on after {@code maxTries}, so that its sender
   *     hears of it
   */
  public Supervisor(
      CentralDb central,
      SessionFiles files,
      Map<String, AgentProvider> providers,
      AgentSettings settings,
      Clock clock,
      Duration pollInterval,
      Consumer<String> outboundListener,
      Consumer<FailedMessage> failures) {
    this(
        central, files, providers, settings, clock, pollInterval, outboundListener, TICK,
        FIRST_RESTART_DELAY, failures);
  }

  /**
   * @param tick how often scheduled wakes, idle agents and heartbeats are checked
   * @param firstRestartDelay the wait before restarting an agent that died; doubled for each
   *     further death, up to five minutes
   */
  Supervisor(
      CentralDb central,
      SessionFiles files,
      Map<String, AgentProvider> providers,
      AgentSettings settings,
      Clock clock,
      Duration pollInterval,
      Consumer<String> outboundListener,
      Duration tick,
      Duration firstRestartDelay) {
    this(
        central, files, providers, settings, clock, pollInterval, outboundListener, tick,
        firstRestartDelay, failed -> {});
  }

  Supervisor(
      CentralDb central,
      SessionFiles files,
      Map<String, AgentProvider> providers,
      AgentSettings settings,
      Clock clock,
      Duration pollInterval,
      Consumer<String> outboundListener,
      Duration tick,
      Duration firstRestartDelay,
      Consumer<FailedMessage> failures) {
    this.failures = failures;
    this.tick = tick;
    this.firstRestartDelay = firstRestartDelay;
    this.central = central;
    this.files = files;
    this.providers = Map.copyOf(providers);
    this.settings = settings;
    this.clock = clock;
    this.acks = new AckSync(central, files, clock, settings.timezone(), unfinished);
    this.outboundListener = outboundListener;
    this.watcher = new SessionWatcher(this::onOutboundChange, pollInterval);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("supervisor-timer").unstarted(r));
  }

  /** Reconciles what a previous run left behind, then wakes every session with due work. */
  public void start() {
    reconcile();
    timer.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    wakeSessionsWithWork();
  }

  /** A hint that a session has new due inbound rows. */
  public void wake(String sessionId) {
    RunningAgent agent = null;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Slot slot = running.get(sessionId);
      if (slot != null) {
        agent = slot.agent;
        slot.lastActivity = clock.instant();
      } else if (!queue.contains(sessionId)) {
        Instant notBefore = restartAfter.get(sessionId);
        if (notBefore != null && notBefore.isAfter(clock.instant())) {
          return;
        }
        if (running.size() < settings.maxRunning()) {
          launch(sessionId);
        } else {
          queue.add(sessionId);
        }
      }
    } finally {
      lock.unlock();
    }
    if (agent != null) {
      agent.wake();
    }
  }

  /**
   * Row {@code rowId} of a channel's message (or answer) was stored, and committed, for the session:
   * counted as unfinished until an ack sync finds it finished (see {@link #unfinished()}).
   */
  public void stored(String sessionId, String rowId) {
    unfinished.arrived(sessionId, rowId);
  }

  /**
   * Inbound rows the agents have yet to finish, due or in processing, across sessions: as of each
   * session's last ack sync, plus the rows stored for it since. Read on every inbound request.
   */
  public long unfinished() {
    return unfinished.total();
  }

  /** Sessions whose agent is running or starting. */
  public List<String> runningSessions() {
    lock.lock();
    try {
      return List.copyOf(running.keySet());
    } finally {
      lock.unlock();
    }
  }

  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  // Called with the lock held.
  private void launch(String sessionId) {
    Slot slot = new Slot(sessionId, clock.instant());
    running.put(sessionId, slot);
    slot.starter = Thread.ofVirtual().name("start-" + sessionId).start(() -> startAgent(slot));
  }

  private void startAgent(Slot slot) {
    String sessionId = slot.sessionId;
    try {
      Launch launch = prepare(sessionId);
      AgentProvider provider = providers.get(launch.provider());
      if (provider == null) {
        throw new IllegalStateException(
            "no agent provider '" + launch.provider() + "' is installed (known: "
                + String.join(", ", providers.keySet()) + ")");
      }
      slot.dir = launch.launch().sessionDir();
      slot.provider = launch.provider();
      watcher.watch(sessionId, slot.dir);
      RunningAgent agent = provider.start(launch.launch());
      slot.agent = agent;
      slot.startedAt = clock.instant();
      String now = Times.format(clock.instant());
      try {
        central.write(
            c -> {
              Sessions.setContainerStatus(c, sessionId, "running");
              AgentRuns.record(c, new AgentRuns.Run(sessionId, launch.provider(), agent.ref()), now);
              return null;
            });
      } catch (RuntimeException e) {
        // Not recorded (the disk fails, say), the agent would run unsupervised: no exit handling,
        // unknown to the clean-up of the next start, and beside the agent the restart below
        // starts for the same session. So it is stopped before the failure is handled.
        agent.stop(settings.stopGrace());
        throw e;
      }
      LOG.info("started agent for session {} ({})", sessionId, launch.provider());
      // On a thread of its own: completing the exit runs callbacks on the agent's thread, which
      // a stop that runs out of grace interrupts, and that must not cut the clean-up short.
      agent.onExit().whenComplete((ignored, error) -> {
        exits.register();
        Thread.ofVirtual().name("exit-" + sessionId).start(() -> {
          try {
            onExit(slot);
          } finally {
            exits.arriveAndDeregister();
          }
        });
      });
      boolean stop;
      lock.lock();
      try {
        stop = closed || slot.stopRequested;
      } finally {
        lock.unlock();
      }
      if (stop) {
        agent.stop(settings.stopGrace());
      } else {
        agent.wake();
      }
    } catch (Exception e) {
      LOG.error("could not start the agent of session {}: {}", sessionId, e.getMessage());
      watcher.unwatch(sessionId);
      lock.lock();
      try {
        running.remove(sessionId);
        if (!closed) {
          scheduleRestart(sessionId);
        }
      } finally {
        lock.unlock();
      }
      startNextQueued();
    }
  }

  private record Launch(AgentLaunch launch, String provider) {}

  /** Loads the session, prepares its folder and host tables, and builds the launch. */
  private Launch prepare(String sessionId) throws Exception {
    record Rows(
        Session session,
        AgentGroup group,
        MessagingGroup chat,
        List<MessagingGroup> wired,
        List<dev.switchboard.store.DestinationAcl.Entry> acl) {}
    Rows rows =
        central.read(
            c -> {
              Session session =
                  Sessions.byId(c, sessionId)
                      .orElseThrow(() -> new IllegalStateException("no session " + sessionId));
              AgentGroup group =
                  AgentGroups.byId(c, session.agentGroupId())
                      .orElseThrow(() -> new IllegalStateException("no agent group " + session.agentGroupId()));
              MessagingGroup chat =
                  session.messagingGroupId() == null
                      ? null
                      : MessagingGroups.byId(c, session.messagingGroupId()).orElse(null);
              return new Rows(
                  session, group, chat, Destinations.wiredChats(c, group.id(), session.messagingGroupId()),
                  dev.switchboard.store.DestinationAcl.forGroup(c, group.id()));
            });
    String provider =
        Optional.ofNullable(rows.session().agentProvider())
            .or(() -> Optional.ofNullable(rows.group().agentProvider()))
            .orElse(EchoProvider.NAME);
    Path dir = files.ensure(rows.group().id(), sessionId);
    files.writeInbound(
        dir,
        c -> {
          InboundRows.writeDestinations(c, Destinations.of(rows.wired(), rows.acl()));
          if (rows.chat() != null) {
            InboundRows.writeRouting(
                c, rows.chat().channelType(), rows.chat().platformId(), rows.session().threadId());
          }
          return null;
        });
    Path workDir = files.groupsRoot().resolve(rows.group().folder());
    Files.createDirectories(workDir);
    Map<String, String> env =
        SessionEnvironment.build(
            sessionId,
            dir,
            rows.group(),
            provider,
            rows.chat() == null ? null : rows.chat().adminUserId(),
            settings.timezone());
    Map<String, Object> config =
        rows.group().containerConfig() == null
            ? Map.of()
            : JSON.readValue(rows.group().containerConfig(), new TypeReference<Map<String, Object>>() {});
    Path logFile = files.logsRoot().resolve(rows.group().id()).resolve(sessionId + ".log");
    return new Launch(
        new AgentLaunch(
            sessionId, rows.group().id(), rows.group().name(), workDir, dir, env, config, logFile),
        provider);
  }

  private void onExit(Slot slot) {
    String sessionId = slot.sessionId;
    watcher.unwatch(sessionId);
    boolean crashed = !slot.stopRequested;
    boolean moreWork = false;
    try {
      central.write(
          c -> {
            Sessions.setContainerStatus(c, sessionId, "stopped");
            AgentRuns.remove(c, sessionId);
            return null;
          });
      outboundListener.accept(sessionId);
      AckSync.Left left = acks.sync(sessionId, slot.dir, true);
      moreWork = !left.idle();
      if (crashed) {
        Kill kill = slot.kill;
        LOG.warn("agent of session {} {}", sessionId, kill == null ? "exited unexpectedly" : "was ended: it " + kill.reason);
        retryUnfinished(sessionId, slot.dir, kill);
      }
    } catch (RuntimeException e) {
      LOG.error("cleaning up after the agent of session {}: {}", sessionId, e.toString());
    }
    lock.lock();
    try {
      running.remove(sessionId);
      // A crashed agent is restarted even when the clean-up failed: its rows must not wait for
      // ever, and the next run (or clean-up) counts their tries.
      if (crashed && !closed) {
        scheduleRestart(sessionId);
      } else if (moreWork && !closed) {
        queue.add(sessionId);
      }
    } finally {
      lock.unlock();
    }
    startNextQueued();
  }

  /**
   * Rows the agent was processing when it died get another try later ({@code retryBackoff} ×
   * 2^tries), and are marked failed after {@code maxTries}, their senders told. An agent ended for
   * leaving due rows untaken is charged a try for the oldest of them, the one it stuck at.
   */
  private void retryUnfinished(String sessionId, Path dir, Kill kill) {
    List<InboundRows.Pending> pending = files.readInbound(dir, InboundRows::pending);
    List<String> ids = pending.stream().map(InboundRows.Pending::id).toList();
    Map<String, String> ackStates =
        files.readOutbound(dir, c -> dev.switchboard.store.OutboundRows.acks(c, ids));
    Instant now = clock.instant();
    List<InboundRows.Pending> charged = new ArrayList<>();
    for (InboundRows.Pending row : pending) {
      if ("processing".equals(ackStates.get(row.id()))) {
        charged.add(row);
      }
    }
    if (kill == Kill.UNTAKEN && charged.isEmpty()) {
      pending.stream()
          .filter(row -> ackStates.get(row.id()) == null)
          .filter(row -> row.processAfter() == null || !Times.parse(row.processAfter()).isAfter(now))
          .findFirst()
          .ifPresent(charged::add);
    }
    String reason = kill == null ? "exited while working on it" : kill.reason;
    List<InboundRows.Pending> failed = new ArrayList<>();
    files.writeInbound(
        dir,
        c -> {
          for (InboundRows.Pending row : charged) {
            int tries = row.tries() + 1;
            if (tries >= settings.maxTries()) {
              LOG.warn("message {} of session {} failed after {} tries (the agent {})", row.id(), sessionId, tries, reason);
              InboundRows.failAfterTries(c, row.id(), tries);
              failed.add(row);
            } else {
              Duration delay = settings.retryBackoff().multipliedBy(1L << Math.min(tries, 20));
              // process_after holds whole seconds: rounded up, so the wait is never shorter.
              Instant at = now.plus(delay);
              if (at.getNano() > 0) {
                at = at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
              }
              InboundRows.retryLater(c, row.id(), tries, Times.formatSeconds(at));
            }
          }
          return null;
        });
    for (InboundRows.Pending row : failed) {
      tellFailed(sessionId, dir, row, reason);
    }
  }

  private void tellFailed(String sessionId, Path dir, InboundRows.Pending row, String reason) {
    try {
      Optional<InboundRows.Origin> origin = files.readInbound(dir, c -> InboundRows.origin(c, row.id()));
      origin.ifPresent(o -> failures.accept(
          new FailedMessage(sessionId, row.id(), o.kind(), o.channelType(), o.platformId(), o.threadId(),
              settings.maxTries(), reason)));
    } catch (RuntimeException e) {
      LOG.warn("cannot tell the sender that message {} of session {} failed: {}", row.id(), sessionId, e.toString());
    }
  }

  // Called with the lock held: a crashing agent is restarted with growing delays.
  private void scheduleRestart(String sessionId) {
    int count = crashes.merge(sessionId, 1, Integer::sum);
    Duration delay = firstRestartDelay.multipliedBy(1L << Math.min(count - 1, 9));
    if (delay.compareTo(MAX_RESTART_DELAY) > 0) {
      delay = MAX_RESTART_DELAY;
    }
    restartAfter.put(sessionId, clock.instant().plus(delay));
    timer.schedule(() -> wake(sessionId), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void startNextQueued() {
    lock.lock();
    try {
      while (!closed && running.size() < settings.maxRunning() && !queue.isEmpty()) {
        String next = queue.iterator().next();
        queue.remove(next);
        launch(next);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The agent wrote its outbound.db: new rows are taken in at once (they are replies waiting to be
   * sent), while its acks are copied at the next tick, batched per session, off the reply's path.
   */
  private void onOutboundChange(String sessionId) {
    Slot slot;
    lock.lock();
    try {
      slot = running.get(sessionId);
    } finally {
      lock.unlock();
    }
    if (slot != null) {
      slot.lastOutboundChange = clock.instant();
    }
    outboundListener.accept(sessionId);
    acksToSync.add(sessionId);
  }

  /** Copies the acks of sessions whose outbound.db changed since the last tick. */
  private void syncChangedAcks() {
    for (String sessionId : List.copyOf(acksToSync)) {
      // A look at this session still running (its files locked, say) keeps the sync for later.
      if (looking.contains(sessionId)) {
        continue;
      }
      acksToSync.remove(sessionId);
      lookAt(sessionId, () -> syncAcks(sessionId));
    }
  }

  private void syncAcks(String sessionId) {
    Slot slot;
    lock.lock();
    try {
      slot = running.get(sessionId);
    } finally {
      lock.unlock();
    }
    if (slot == null || slot.dir == null) {
      return;
    }
    AckSync.Left left;
    try {
      left = acks.sync(sessionId, slot.dir);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the acks of session {}: {}", sessionId, e.toString());
      return;
    }
    if (left.changed() > 0) {
      slot.lastActivity = clock.instant();
      if (slot.agent != null && slot.startedAt.isBefore(clock.instant().minusSeconds(60))) {
        lock.lock();
        try {
          crashes.remove(sessionId);
          restartAfter.remove(sessionId);
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Every tick (a second): scheduled wakes, idle agents, stale heartbeats. */
  private void tick() {
    try {
      syncChangedAcks();
      wakeSessionsWithWork();
      refreshDestinationsIfChanged();
      files.closeIdleConnections();
      Instant now = clock.instant();
      // Idle and heartbeat checks read each running session's files, so they run every fifth
      // tick; changes reach the acks through the watcher anyway. Every tick while sessions wait
      // for a slot, so an idle agent yields promptly.
      if (++ticks % SLOT_CHECK_EVERY == 0 || queued() > 0) {
        for (Slot slot : slotsSnapshot()) {
          lookAt(slot.sessionId, () -> checkSlot(slot, now));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("supervisor tick failed: {}", e.toString());
    }
  }

  /**
   * Runs a look at one session's files on its own virtual thread, at most one per session at a
   * time. A session file stays locked for as long as an agent hangs inside a write transaction,
   * and each read of it then waits out the busy timeout: on the timer's thread that would hold up
   * every other session's checks and the restarts scheduled on the timer.
   */
  private void lookAt(String sessionId, Runnable look) {
    if (!looking.add(sessionId)) {
      return;
    }
    lookers.register();
    try {
      // A platform thread: SQLite waits out a lock inside native code, which would pin a virtual
      // thread's carrier, and a few such waits would stall every virtual thread (HTTP included).
      lookThreads.execute(() -> {
        try {
          look.run();
        } catch (RuntimeException e) {
          LOG.warn("looking at the agent of session {} failed: {}", sessionId, e.toString());
        } finally {
          looking.remove(sessionId);
          lookers.arriveAndDeregister();
        }
      });
    } catch (RuntimeException | Error e) {
      looking.remove(sessionId);
      lookers.arriveAndDeregister();
      throw e;
    }
  }

  private void checkSlot(Slot slot, Instant now) {
    RunningAgent agent = slot.agent;
    if (agent == null || slot.stopRequested || slot.dir == null) {
      return;
    }
    AckSync.Left left;
    try {
      left = acks.sync(slot.sessionId, slot.dir);
    } catch (RuntimeException e) {
      // An agent that hangs inside a write transaction keeps its outbound.db locked: its acks
      // cannot be read, but its heartbeat can, and it is what tells whether to restart it.
      LOG.warn("cannot read the acks of session {} ({}); checking its heartbeat", slot.sessionId, e.getMessage());
      left = null;
    }
    if (left != null && left.idle()) {
      slot.untakenSince = null;
      if (slot.lastActivity.plus(settings.idleTimeout()).isBefore(now)) {
        LOG.info("stopping idle agent of session {}", slot.sessionId);
        stop(slot);
      } else if (queued() > 0 && slot.lastActivity.plus(YIELD_AFTER).isBefore(now)) {
        // Sessions with work are waiting for a slot: an agent with nothing to do gives its slot up
        // now rather than after the idle timeout.
        LOG.info("stopping idle agent of session {} to make room for a waiting session", slot.sessionId);
        stop(slot);
      }
      return;
    }
    if (slot.killing) {
      return;
    }
    Instant beat = heartbeat(slot.dir).orElse(slot.startedAt);
    Instant lastSign = beat.isAfter(slot.startedAt) ? beat : slot.startedAt;
    if (lastSign.plus(settings.heartbeatTimeout()).isBefore(now)) {
      LOG.warn(
          "agent of session {} has work but no heartbeat since {}; restarting it",
          slot.sessionId,
          lastSign);
      end(slot, agent, Kill.STALE_HEARTBEAT);
      return;
    }
    // Alive, but not working: due rows, none taken, nothing written since they fell due. An agent
    // that works its rows one by one acks each (a write), so it is never taken for this one.
    if (left == null || left.due() == 0 || left.processing() > 0) {
      slot.untakenSince = null;
      return;
    }
    if (slot.untakenSince == null || slot.lastOutboundChange.isAfter(slot.untakenSince)) {
      slot.untakenSince = now;
    }
    if (slot.untakenSince.plus(settings.heartbeatTimeout()).isBefore(now)) {
      LOG.warn(
          "agent of session {} has left {} due message(s) untaken since {}; restarting it",
          slot.sessionId,
          left.due(),
          slot.untakenSince);
      end(slot, agent, Kill.UNTAKEN);
    }
  }

  private void end(Slot slot, RunningAgent agent, Kill kill) {
    slot.kill = kill;
    slot.killing = true;
    Thread.ofVirtual().start(() -> agent.stop(Duration.ofSeconds(2)));
  }

  /** Rewrites the destinations of running sessions after wirings or destination lists changed. */
  private void refreshDestinationsIfChanged() {
    long version = central.read(dev.switchboard.store.DestinationAcl::routingVersion);
    if (version == routingVersion) {
      return;
    }
    routingVersion = version;
    for (Slot slot : slotsSnapshot()) {
      if (slot.dir == null) {
        continue;
      }
      Session session = central.read(c -> Sessions.byId(c, slot.sessionId)).orElse(null);
      if (session == null) {
        continue;
      }
      String group = session.agentGroupId();
      List<InboundRows.Destination> destinations =
          central.read(
              c ->
                  Destinations.of(
                      Destinations.wiredChats(c, group, session.messagingGroupId()),
                      dev.switchboard.store.DestinationAcl.forGroup(c, group)));
      files.writeInbound(slot.dir, c -> {
        InboundRows.writeDestinations(c, destinations);
        return null;
      });
    }
  }

  private void stop(Slot slot) {
    slot.stopRequested = true;
    RunningAgent agent = slot.agent;
    if (agent != null) {
      Thread.ofVirtual().name("stop-" + slot.sessionId).start(() -> agent.stop(settings.stopGrace()));
    }
  }

  private static Optional<Instant> heartbeat(Path dir) {
    try {
      return Optional.of(Files.getLastModifiedTime(dir.resolve(".heartbeat")).toInstant());
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private List<Slot> slotsSnapshot() {
    lock.lock();
    try {
      return new ArrayList<>(running.values());
    } finally {
      lock.unlock();
    }
  }

  private void wakeSessionsWithWork() {
    String now = Times.format(clock.instant());
    List<String> sessions = central.read(c -> SessionWork.withWork(c, now));
    sessions.forEach(this::wake);
  }

  /** Cleans up agents a killed gateway left behind, and reads what they wrote. */
  private void reconcile() {
    List<AgentRuns.Run> runs = central.read(AgentRuns::all);
    for (AgentRuns.Run run : runs) {
      AgentProvider provider = providers.get(run.provider());
      if (provider != null) {
        try {
          provider.cleanUpStale(run.ref());
        } catch (RuntimeException e) {
          LOG.warn("cleaning up agent {} of session {}: {}", run.ref(), run.sessionId(), e.toString());
        }
      }
    }
    List<Session> leftRunning = central.read(c -> Sessions.withContainerStatus(c, "running"));
    central.write(
        c -> {
          for (Session s : leftRunning) {
            Sessions.setContainerStatus(c, s.id(), "stopped");
          }
          for (AgentRuns.Run run : runs) {
            AgentRuns.remove(c, run.sessionId());
          }
          return null;
        });
    if (!leftRunning.isEmpty()) {
      LOG.info("reconciled {} session(s) a previous run left running", leftRunning.size());
    }
    for (Session s : leftRunning) {
      outboundListener.accept(s.id());
    }
  }

  @Override
  public void close() {
    List<Slot> slots;
    lock.lock();
    try {
      closed = true;
      queue.clear();
      slots = new ArrayList<>(running.values());
    } finally {
      lock.unlock();
    }
    timer.shutdownNow();
    try {
      // A tick still running would go on using the database, which the gateway closes next.
      timer.awaitTermination(5, TimeUnit.SECONDS);
      // Looks still reading session files (one may wait out a busy timeout of 5 s).
      lookers.awaitAdvanceInterruptibly(lookers.arrive(), 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("agent checks still running at shutdown");
    }
    List<Thread> stopping = new ArrayList<>();
    for (Slot slot : slots) {
      slot.stopRequested = true;
      RunningAgent agent = slot.agent;
      if (agent != null) {
        stopping.add(Thread.ofVirtual().start(() -> agent.stop(settings.stopGrace())));
      } else {
        // Still starting: once the provider returns, the starter sees `closed` and stops the agent
        // itself. Waiting for it keeps an agent from outliving the gateway.
        stopping.add(slot.starter);
      }
    }
    for (Thread t : stopping) {
      try {
        t.join(settings.stopGrace().plusSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      exits.awaitAdvanceInterruptibly(exits.arrive(), 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("clean-ups after stopped agents still running at shutdown; the next start reconciles them");
    }
    lookThreads.shutdown();
    watcher.close();
  }
}
