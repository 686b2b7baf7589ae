package dev.switchboard.plugins.command;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.RunningAgent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent program started by the command provider. Its standard input carries wake signals and,
 * when closed, asks it to stop; its output goes to the session's log file, not through here.
 */
final class CommandAgent implements RunningAgent {
  private static final Logger log = LoggerFactory.getLogger(CommandAgent.class);

  private final Process process;
  private final String sessionId;
  private final String ref;
  private final Duration defaultGrace;
  private final WakeSignal wakeSignal;
  private final CompletableFuture<Void> exit;

  /**
   * @param process the started program, its standard input a pipe
   * @param sessionId the session it works, for logs
   * @param defaultGrace the grace of a stop that names none
   */
  CommandAgent(Process process, String sessionId, Duration defaultGrace) {
    this.process = requireNonNull(process, "process is null");
    this.sessionId = requireNonNull(sessionId, "sessionId is null");
    this.defaultGrace = requireNonNull(defaultGrace, "defaultGrace is null");
    // Without a start instant the pid alone could name a later process, so such a ref is one that
    // cleanUpStale refuses to parse, and never kills anything.
    this.ref =
        ProcessRef.of(process.toHandle())
            .map(ProcessRef::toString)
            .orElse(process.pid() + "@unknown");
    this.wakeSignal = new WakeSignal(process.getOutputStream(), sessionId + "-" + process.pid());
    this.exit = process.onExit().thenAccept(this::exited);
  }

  @Override
  public String ref() {
    return ref;
  }

  /** A copy, so that a caller completing it cannot fake the agent's exit. */
  @Override
  public CompletableFuture<Void> onExit() {
    return exit.copy();
  }

  @Override
  public void wake() {
    wakeSignal.signal();
  }

  /**
   * Closes the agent's input (the end of input asks it to stop), sends SIGTERM to it and its
   * descendants, and SIGKILL to whatever is left after {@code grace}.
   */
  @Override
  public void stop(Duration grace) {
    Duration effective = grace == null || grace.isNegative() ? defaultGrace : grace;
    wakeSignal.close();
    if (!ProcessTree.terminate(process.toHandle(), effective)) {
      log.error(
          "agent of session {} ({}) is still running after SIGKILL; it may be stuck in the kernel",
          sessionId,
          ref);
      return;
    }
    // The reaper completes onExit just after the process is gone; callers expect it done.
    exit.join();
  }

  /** Lines of wake signals written so far. */
  long wakeLinesWritten() {
    return wakeSignal.linesWritten();
  }

  private void exited(Process ended) {
    log.info("agent of session {} ({}) exited with status {}", sessionId, ref, ended.exitValue());
  }
}
