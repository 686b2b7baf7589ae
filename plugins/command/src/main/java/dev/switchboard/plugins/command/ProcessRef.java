package dev.switchboard.plugins.command;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names one process for good: its pid and the instant it started, written {@code <pid>@<start epoch
 * millis>}. A pid alone is reused by the system once its process is gone; the pair is not, so a ref
 * never matches a later, unrelated process.
 */
record ProcessRef(long pid, long startMillis) {

  private static final Pattern FORM = Pattern.compile("(\\d{1,19})@(\\d{1,19})");

  ProcessRef {
    // The system's pids are 32-bit: a larger one would be cut down to a different process's pid.
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("pid must be a positive 32-bit number, was " + pid);
    }
    if (startMillis < 0) {
      throw new IllegalArgumentException("startMillis must not be negative, was " + startMillis);
    }
  }

  /** The ref of a process, or empty when the system does not tell when it started. */
  static Optional<ProcessRef> of(ProcessHandle process) {
    return process
        .info()
        .startInstant()
        .map(start -> new ProcessRef(process.pid(), start.toEpochMilli()));
  }

  /** Reads a ref written by {@link #toString()}, or empty when the text is not one. */
  static Optional<ProcessRef> parse(String text) {
    Matcher matcher = FORM.matcher(text == null ? "" : text.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(matcher.group(1));
      long startMillis = Long.parseLong(matcher.group(2));
      return pid > 0 && pid <= Integer.MAX_VALUE
          ? Optional.of(new ProcessRef(pid, startMillis))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The live process this ref names: same pid and same start instant. */
  Optional<ProcessHandle> find() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().startInstant().map(this::startedAt).orElse(false));
  }

  private boolean startedAt(Instant start) {
    return start.toEpochMilli() == startMillis;
  }

  @Override
  public String toString() {
    return pid + "@" + startMillis;
  }
}
