package dev.switchboard.faults.platforms;

import dev.switchboard.faults.platforms.PlatformServer.Exchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The faults a fake platform answers sends with, chat by chat: the first sends to a chat meet its
 * scripted burst, one fault each, and everything after it is answered normally; a send whose text
 * holds the refused text is refused for good, whenever it comes. Every send attempt that reached
 * the platform is kept with the fault it met, in arrival order: the test's view of the wire.
 */
final class Bursts {
  /** How long a slow answer takes: well inside every channel's timeout in the test config. */
  static final Duration SLOW = Duration.ofMillis(800);

  /** What the platform does to one send. Each fake renders it the way its platform does. */
  sealed interface Fault {}

  /** "Too many requests; retry after this many seconds." */
  record TooMany(int retryAfterSeconds) implements Fault {}

  /** A 5xx answer. */
  record ServerError(int status) implements Fault {}

  /** No answer until the caller gives up. */
  record Timeout() implements Fault {}

  /** The connection reset, no answer. */
  record Reset() implements Fault {}

  /** The send is taken, and answered {@link #SLOW}ly. */
  record Slow() implements Fault {}

  /** A refusal that sending again cannot change (the platform's 400, or Slack's ok:false). */
  record Refused() implements Fault {}

  /**
   * One send as it reached the platform.
   *
   * @param chat the platform id it was sent to
   * @param text its text, as the platform got it
   * @param fault what it met; null when it was taken at once
   */
  record Attempt(int index, String chat, String text, Fault fault, Exchange exchange) {
    long arrivedAt() {
      return exchange.arrivedAt;
    }

    /** When the platform answered, reset or let go; 0 while it holds the request. */
    long endedAt() {
      return exchange.endedAt();
    }

    /** The platform took the message. */
    boolean accepted() {
      return fault == null || fault instanceof Slow;
    }

    /** The send failed in a way worth retrying after a backoff (not a rate limit, not a refusal). */
    boolean transientFailure() {
      return fault instanceof ServerError || fault instanceof Timeout || fault instanceof Reset;
    }

    String outcome() {
      return switch (fault) {
        case null -> "taken";
        case TooMany t -> "429 (retry after " + t.retryAfterSeconds() + " s)";
        case ServerError e -> Integer.toString(e.status());
        case Timeout t -> "timeout";
        case Reset r -> "reset";
        case Slow s -> "taken slowly";
        case Refused r -> "refused";
      };
    }

    @Override
    public String toString() {
      return "send #" + index + " to " + chat + " '" + text + "' → " + outcome() + " (" + exchange + ")";
    }
  }

  private final String refusedText;
  private final Map<String, List<Fault>> scripts = new HashMap<>();
  private final Map<String, Integer> sends = new HashMap<>();
  private final List<Attempt> attempts = new ArrayList<>();

  /** @param refusedText a send whose text holds this is refused */
  Bursts(String refusedText) {
    this.refusedText = refusedText;
  }

  /** Sets the burst the first sends to {@code chat} (a platform id) meet. */
  synchronized void script(String chat, List<Fault> burst) {
    scripts.put(chat, List.copyOf(burst));
  }

  /** The burst of {@code chat}. */
  synchronized List<Fault> script(String chat) {
    return scripts.getOrDefault(chat, List.of());
  }

  /** Keeps a send that reached the platform and says what it meets (null: nothing, it is taken). */
  synchronized Fault attempt(String chat, String text, Exchange exchange) {
    Fault fault;
    if (text.contains(refusedText)) {
      fault = new Refused();
    } else {
      int n = sends.merge(chat, 1, Integer::sum) - 1;
      List<Fault> script = scripts.getOrDefault(chat, List.of());
      fault = n < script.size() ? script.get(n) : null;
    }
    attempts.add(new Attempt(attempts.size(), chat, text, fault, exchange));
    return fault;
  }

  /** Every send that reached the platform, in arrival order. */
  synchronized List<Attempt> attempts() {
    return List.copyOf(attempts);
  }
}
