package dev.switchboard.admin;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.scheduling.TaskRequests;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.ScheduledTasks;
import dev.switchboard.store.SessionFiles;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./switchboard tasks …}: scheduled rows across sessions, listed from the central index and
 * changed the same way an agent's own request changes them.
 */
final class Tasks {
  private final CentralDb central;
  private final TaskRequests requests;
  private final SessionFiles files;
  private final PrintStream out;

  Tasks(CentralDb central, TaskRequests requests, SessionFiles files, PrintStream out) {
    this.central = central;
    this.requests = requests;
    this.files = files;
    this.out = out;
  }

  void list(boolean all) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TASK", "SESSION", "STATUS", "DUE (UTC)", "RECURRENCE", "PROMPT"});
    for (ScheduledTasks.Task t : central.read(c -> ScheduledTasks.list(c, all))) {
      String prompt = t.prompt() == null ? "" : t.prompt();
      rows.add(new String[] {
        t.taskId(), t.sessionId(), t.status(), String.valueOf(t.dueAt()),
        t.recurrence() == null ? "" : t.recurrence(),
        prompt.length() > 40 ? prompt.substring(0, 39) + "…" : prompt
      });
    }
    new PrintTable(out).print(rows);
    List<String[]> repeating =
        central.read(
            c ->
                Jdbc.query(
                    c,
                    "SELECT message_out_id, session_id, status, next_attempt_at, recurrence FROM deliveries"
                        + " WHERE status IN ('scheduled', 'paused'" + (all ? ", 'cancelled')" : ")")
                        + " ORDER BY next_attempt_at",
                    r ->
                        new String[] {
                          r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                          r.getString(5) == null ? "" : r.getString(5)
                        }));
    if (!repeating.isEmpty()) {
      out.println();
      List<String[]> outbound = new ArrayList<>();
      outbound.add(new String[] {"OUTBOUND MESSAGE", "SESSION", "STATUS", "NEXT (UTC)", "RECURRENCE"});
      outbound.addAll(repeating);
      new PrintTable(out).print(outbound);
    }
  }

  void change(String taskId, Optional<String> session, String status) {
    // A task's id, or the id of a scheduled outbound message (listed under OUTBOUND MESSAGE).
    List<String> matches =
        central.read(
            c -> {
              List<String> sessions =
                  new ArrayList<>(ScheduledTasks.byTaskId(c, taskId).stream().map(ScheduledTasks.Task::sessionId).toList());
              sessions.addAll(Deliveries.scheduledSessions(c, taskId));
              return sessions.stream().distinct().toList();
            });
    if (session.isPresent()) {
      matches = matches.stream().filter(s -> s.equals(session.get())).toList();
    }
    if (matches.isEmpty()) {
      throw new ConfigException(
          "no task or scheduled message '" + taskId + "'" + session.map(s -> " in session " + s).orElse("")
              + "; ./switchboard tasks list --all shows them");
    }
    if (matches.size() > 1) {
      throw new ConfigException(
          "'" + taskId + "' exists in " + matches.size() + " sessions; name one with --session");
    }
    String sessionId = matches.get(0);
    String group =
        central.read(
            c -> Jdbc.queryOne(c, "SELECT agent_group_id FROM sessions WHERE id = ?", r -> r.getString(1), sessionId))
            .orElseThrow();
    TaskRequests.Result result = requests.change(sessionId, files.dir(group, sessionId), taskId, status);
    switch (result) {
      case TaskRequests.Result.Applied applied -> out.println(applied.summary());
      case TaskRequests.Result.Refused refused -> throw new ConfigException(refused.reason());
    }
  }
}
