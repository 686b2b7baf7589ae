package dev.switchboard.plugins.slack;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the work for one Slack message at most once at a time and skips it once it succeeded.
 *
 * <p>Slack sends one message several ways: as a {@code message} and an {@code app_mention} event
 * (two event ids, one channel and ts), again with {@code X-Slack-Retry-Num} when an answer came
 * late, and again over Socket Mode when an envelope was not acknowledged in time. They may overlap:
 * a retry can arrive while the first delivery is still being stored. A second arrival therefore
 * waits for the first; it is acknowledged only if the first succeeded, so a failure is never
 * acknowledged by a duplicate. The gateway ignores a chat and message id it has stored in any
 * case; this only saves the look-ups and downloads, and keeps the order of acknowledgements
 * honest.
 */
final class OnceOnly {
  /** The work for a key is still running elsewhere, or failed there; do not acknowledge. */
  static final class NotYetStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotYetStored(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final int remembered;
  private final Duration wait;
  private final Map<String, CompletableFuture<Void>> running = new HashMap<>();
  private final Set<String> done;

  OnceOnly(int remembered, Duration wait) {
    this.remembered = remembered;
    this.wait = wait;
    this.done =
        Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > OnceOnly.this.remembered;
              }
            });
  }

  /** Runs {@code work} unless it ran for {@code key} before; returns whether it ran now. */
  boolean run(String key, Runnable work) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> other;
    synchronized (this) {
      if (done.contains(key)) {
        return false;
      }
      other = running.putIfAbsent(key, mine);
    }
    if (other != null) {
      awaitOther(key, other);
      return false;
    }
    try {
      work.run();
      synchronized (this) {
        done.add(key);
      }
      mine.complete(null);
      return true;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      synchronized (this) {
        running.remove(key);
      }
    }
  }

  private void awaitOther(String key, CompletableFuture<Void> other) {
    try {
      other.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new NotYetStored(key + " is still being stored", null);
    } catch (ExecutionException e) {
      throw new NotYetStored(key + " could not be stored", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NotYetStored("interrupted while " + key + " was being stored", e);
    }
  }
}
