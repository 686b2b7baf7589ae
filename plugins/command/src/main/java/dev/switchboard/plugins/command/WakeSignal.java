package dev.switchboard.plugins.command;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code wake} lines to an agent's standard input without ever blocking the caller.
 *
 * <p>An agent that never reads its input fills the pipe, and a write then blocks until the agent
 * reads or exits. So callers only raise a flag, and one writer thread at a time turns raised flags
 * into lines: wakes that arrive while a line is being written are folded into the next line. At
 * most one thread per agent is ever blocked, and it ends when the pipe breaks.
 */
final class WakeSignal {
  private static final Logger log = LoggerFactory.getLogger(WakeSignal.class);
  private static final byte[] LINE = "wake\n".getBytes(US_ASCII);

  private final OutputStream input;
  private final String name;
  // Invariant: whenever pending is true, a writer is running or about to be started.
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean writing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong linesWritten = new AtomicLong();

  /**
   * @param input the agent's standard input
   * @param name names the agent in thread names and logs
   */
  WakeSignal(OutputStream input, String name) {
    this.input = requireNonNull(input, "input is null");
    this.name = requireNonNull(name, "name is null");
  }

  /** Asks for one more {@code wake} line; returns at once. */
  void signal() {
    if (closed.get()) {
      return;
    }
    pending.set(true);
    if (writing.compareAndSet(false, true)) {
      Thread.ofVirtual().name("wake-" + name).start(this::drain);
    }
  }

  /**
   * Closes the agent's input: the end of input is its polite stop signal. Returns at once; the
   * stream is closed on another thread because closing waits for a blocked write to end.
   */
  void close() {
    if (closed.compareAndSet(false, true)) {
      Thread.ofVirtual().name("close-input-" + name).start(this::closeInput);
    }
  }

  /** Lines written so far, for tests and diagnostics. */
  long linesWritten() {
    return linesWritten.get();
  }

  private void drain() {
    do {
      while (pending.getAndSet(false) && !closed.get()) {
        write();
      }
      writing.set(false);
      // A signal between the last getAndSet and writing.set(false) found writing true and
      // started no writer; this thread takes it over, unless another writer already has.
    } while (pending.get() && !closed.get() && writing.compareAndSet(false, true));
  }

  private void write() {
    try {
      input.write(LINE);
      input.flush();
      linesWritten.incrementAndGet();
    } catch (IOException e) {
      // The agent closed its input or exited: it no longer listens for wakes, which is its right.
      log.debug("agent {} no longer reads wake signals: {}", name, e.getMessage());
      close();
    }
  }

  private void closeInput() {
    try {
      input.close();
    } catch (IOException e) {
      log.debug("closing the input of agent {} failed: {}", name, e.getMessage());
    }
  }
}
