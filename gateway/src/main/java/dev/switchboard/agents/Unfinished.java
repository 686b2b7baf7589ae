package dev.switchboard.agents;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many inbound rows the agents have yet to finish (due or in processing), across sessions,
 * kept in memory so that it can be read on every inbound request.
 *
 * <p>The files are the truth: each ack sync reads a session's pending rows and {@link #settle}s the
 * count to what it found. A message stored since is counted by {@link #arrived}, after its row was
 * committed. A sync {@link #mark}s the arrivals before it reads the file; an arrival counted before
 * the mark was committed before the read, so the read has it. Of the later ones, those the read saw
 * are counted by the read alone, and the rest were committed after it and stay counted on their
 * own. So a message is counted once, never twice and never not at all. Sessions not synced in this
 * run (rows left from before a restart, until their agent starts) count only their new arrivals;
 * a row stored under an id qualified with its chat (its id collided with another chat's in an
 * agent-shared session) is counted from the next sync of its session on.
 */
final class Unfinished {
  private static final class Entry {
    long found; // unfinished rows the last sync read
    long arrivals; // arrivals counted in this run, numbering them
    long lastMark; // arrivals when the last settled sync began
    final Map<String, Long> recent = new HashMap<>(); // row id -> its arrival number, not yet read
  }

  private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();

  /** Row {@code rowId} was stored, and committed, for the session. */
  void arrived(String sessionId, String rowId) {
    Entry e = entry(sessionId);
    long change;
    synchronized (e) {
      e.arrivals++;
      change = e.recent.put(rowId, e.arrivals) == null ? 1 : 0;
    }
    total.addAndGet(change);
  }

  /** Taken before a sync reads the session's rows; given back to {@link #settle}. */
  long mark(String sessionId) {
    Entry e = entry(sessionId);
    synchronized (e) {
      return e.arrivals;
    }
  }

  /**
   * A sync that began at {@code mark} read the session's pending rows {@code read}, of which
   * {@code found} are unfinished (due or in processing).
   */
  void settle(String sessionId, long mark, Set<String> read, long found) {
    Entry e = entry(sessionId);
    long change;
    synchronized (e) {
      if (mark < e.lastMark) {
        return; // an older sync ended after a newer one
      }
      long before = e.found + e.recent.size();
      e.recent.entrySet().removeIf(r -> r.getValue() <= mark || read.contains(r.getKey()));
      e.found = found;
      e.lastMark = mark;
      change = e.found + e.recent.size() - before;
    }
    total.addAndGet(change);
  }

  long total() {
    return total.get();
  }

  private Entry entry(String sessionId) {
    return sessions.computeIfAbsent(sessionId, id -> new Entry());
  }
}
