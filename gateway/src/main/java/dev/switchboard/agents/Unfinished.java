package dev.switchboard.agents;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many inbound rows the agents have yet to finish (due or in processing), across sessions,
 * kept in memory so that it can be read on every inbound request.
 *
 * <p>The files are the truth: each ack sync reads a session's rows and {@link #settle}s the count
 * to what it found. Between syncs, a routed message {@link #arrived}. A sync {@link #mark}s the
 * arrivals before it reads the file, and settles to what it read plus the arrivals after the mark.
 * An arrival counted after the mark whose row the read saw already is counted twice, until the
 * next sync of that session, which the router's wake after every stored row guarantees; a message
 * is never left uncounted, since its arrival is counted after its row is written. Sessions never
 * synced in this run (rows left from before a restart, before their agent starts) count only
 * their new arrivals.
 */
final class Unfinished {
  private static final class Entry {
    long found; // due + processing at the last sync
    long arrivals; // counted since this run started
    long arrivalsAtSync; // arrivals when the last sync began reading
  }

  private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong total = new AtomicLong();

  /** A message was stored for the session. */
  void arrived(String sessionId) {
    Entry e = sessions.computeIfAbsent(sessionId, id -> new Entry());
    synchronized (e) {
      e.arrivals++;
    }
    total.incrementAndGet();
  }

  /** Taken before a sync reads the session's rows; given back to {@link #settle}. */
  long mark(String sessionId) {
    Entry e = sessions.computeIfAbsent(sessionId, id -> new Entry());
    synchronized (e) {
      return e.arrivals;
    }
  }

  /** A sync that began at {@code mark} found {@code found} unfinished rows. */
  void settle(String sessionId, long mark, long found) {
    Entry e = sessions.computeIfAbsent(sessionId, id -> new Entry());
    long change;
    synchronized (e) {
      if (mark < e.arrivalsAtSync) {
        return; // an older sync finished after a newer one
      }
      long before = e.found + (e.arrivals - e.arrivalsAtSync);
      e.found = found;
      e.arrivalsAtSync = mark;
      change = e.found + (e.arrivals - e.arrivalsAtSync) - before;
    }
    total.addAndGet(change);
  }

  long total() {
    return Math.max(0, total.get());
  }
}
