package dev.switchboard.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Queries on the host's {@code agent_runs}: agents started and not yet seen to stop. */
public final class AgentRuns {
  private AgentRuns() {}

  /** A recorded run: which provider started it and its reference. */
  public record Run(String sessionId, String provider, String ref) {}

  public static void record(Connection c, Run run, String now) throws SQLException {
    Jdbc.update(
        c,
        "INSERT OR REPLACE INTO agent_runs (session_id, provider, ref, started_at) VALUES (?, ?, ?, ?)",
        run.sessionId(),
        run.provider(),
        run.ref(),
        now);
  }

  public static void remove(Connection c, String sessionId) throws SQLException {
    Jdbc.update(c, "DELETE FROM agent_runs WHERE session_id = ?", sessionId);
  }

  public static List<Run> all(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT session_id, provider, ref FROM agent_runs",
        r -> new Run(r.getString(1), r.getString(2), r.getString(3)));
  }
}
