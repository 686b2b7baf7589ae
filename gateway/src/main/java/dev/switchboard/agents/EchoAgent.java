package dev.switchboard.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.AgentLaunch;
import dev.switchboard.plugin.api.RunningAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.sqlite.SQLiteConfig;
import org.slf4j.LoggerFactory;

/**
 * The echo agent's loop. It only uses what the session contract gives any agent: the two database
 * paths and the heartbeat file. It reads inbound.db read-only and writes outbound.db.
 */
final class EchoAgent implements RunningAgent {
  private static final Logger LOG = LoggerFactory.getLogger(EchoAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration IDLE_POLL = Duration.ofSeconds(5);

  private final AgentLaunch launch;
  private final Semaphore wakeups = new Semaphore(0);
  private final CompletableFuture<Void> exit = new CompletableFuture<>();
  private volatile boolean stopping;
  private final Thread thread;

  private EchoAgent(AgentLaunch launch) {
    this.launch = launch;
    // A platform thread: the agent spends its time in SQLite, native code that would hold a
    // virtual thread's carrier.
    this.thread = Thread.ofPlatform().daemon().name("echo-" + launch.sessionId()).unstarted(this::run);
  }

  static EchoAgent start(AgentLaunch launch) {
    EchoAgent agent = new EchoAgent(launch);
    agent.thread.start();
    return agent;
  }

  @Override
  public String ref() {
    return "echo:" + launch.sessionId();
  }

  @Override
  public CompletableFuture<Void> onExit() {
    return exit;
  }

  @Override
  public void wake() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  @Override
  public void stop(Duration grace) {
    stopping = true;
    wakeups.release();
    try {
      if (!thread.join(grace.isZero() ? Duration.ofMillis(1) : grace)) {
        thread.interrupt();
        thread.join(Duration.ofSeconds(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    // Both files stay open while the agent runs, as a long-running agent keeps them; between
    // units of work neither connection holds a lock.
    try (Connection in = open(launch.inboundDb(), true);
        Connection out = open(launch.outboundDb(), false)) {
      clearStaleAcks(out);
      while (!stopping) {
        beat();
        while (workOnce(in, out)) {
          beat();
        }
        wakeups.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
        wakeups.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("echo agent of session {} failed: {}", launch.sessionId(), e.toString());
    } finally {
      exit.complete(null);
    }
  }

  private record Pending(String id, long seq, String kind, String content, String platformId,
      String channelType, String threadId) {}

  /** Answers one batch of due rows; returns whether there may be more. */
  private boolean workOnce(Connection in, Connection out) throws SQLException {
    List<Pending> due = new ArrayList<>();
    long maxInboundSeq;
    try (Statement s = in.createStatement()) {
      try (ResultSet r =
          s.executeQuery(
              "SELECT id, seq, kind, content, platform_id, channel_type, thread_id FROM messages_in"
                  + " WHERE status = 'pending' AND (process_after IS NULL"
                  + " OR datetime(process_after) <= datetime('now')) ORDER BY seq LIMIT 100")) {
        while (r.next()) {
          due.add(new Pending(r.getString(1), r.getLong(2), r.getString(3), r.getString(4),
              r.getString(5), r.getString(6), r.getString(7)));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM messages_in")) {
        maxInboundSeq = r.getLong(1);
      }
    }
    if (due.isEmpty()) {
      return false;
    }
    int answered = 0;
    out.setAutoCommit(false);
    try {
      Set<String> done = finished(out, due);
      long seq;
      try (Statement s = out.createStatement();
          ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM messages_out")) {
        seq = Math.max(maxInboundSeq, r.getLong(1));
      }
      String now = sqliteNow();
      for (Pending row : due) {
        if (done.contains(row.id())) {
          continue;
        }
        String reply = replyTo(row);
        if (reply != null) {
          seq = seq % 2 == 0 ? seq + 1 : seq + 2;
          insertReply(out, row, seq, reply, now);
        }
        ack(out, row.id(), "completed", now);
        answered++;
      }
      out.commit();
    } catch (SQLException | RuntimeException e) {
      // After an I/O error or a full disk SQLite has rolled the transaction back by itself, and
      // rollback (or commit, to leave manual mode) then fails with "no transaction is active":
      // the failure keeps its own cause. The agent ends on it, closing the connection.
      try {
        out.rollback();
        out.setAutoCommit(true);
      } catch (SQLException ended) {
        e.addSuppressed(ended);
      }
      throw e;
    }
    // Auto-commit again, so that no transaction (and no lock) is held while waiting.
    out.setAutoCommit(true);
    return answered > 0 && due.size() == 100;
  }

  private static Set<String> finished(Connection out, List<Pending> due) throws SQLException {
    Set<String> done = new HashSet<>();
    try (PreparedStatement p =
        out.prepareStatement(
            "SELECT 1 FROM processing_ack WHERE message_id = ? AND status IN ('completed', 'failed')")) {
      for (Pending row : due) {
        p.setString(1, row.id());
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            done.add(row.id());
          }
        }
      }
    }
    return done;
  }

  private static String replyTo(Pending row) {
    if (!"chat".equals(row.kind()) && !"chat-sdk".equals(row.kind())) {
      return null;
    }
    try {
      JsonNode content = JSON.readTree(row.content());
      return "echo: " + content.path("text").asText("");
    } catch (IOException e) {
      return "echo: (unreadable message)";
    }
  }

  private static void insertReply(Connection out, Pending row, long seq, String text, String now)
      throws SQLException {
    try (PreparedStatement p =
        out.prepareStatement(
            "INSERT INTO messages_out (id, seq, in_reply_to, timestamp, kind, platform_id,"
                + " channel_type, thread_id, content) VALUES (?, ?, ?, ?, 'chat', ?, ?, ?, ?)")) {
      p.setString(1, UUID.randomUUID().toString());
      p.setLong(2, seq);
      p.setString(3, row.id());
      p.setString(4, now);
      p.setString(5, row.platformId());
      p.setString(6, row.channelType());
      p.setString(7, row.threadId());
      p.setString(8, JSON.createObjectNode().put("text", text).toString());
      p.executeUpdate();
    }
  }

  private static void ack(Connection out, String id, String status, String now) throws SQLException {
    try (PreparedStatement p =
        out.prepareStatement(
            "INSERT OR REPLACE INTO processing_ack (message_id, status, status_changed) VALUES (?, ?, ?)")) {
      p.setString(1, id);
      p.setString(2, status);
      p.setString(3, now);
      p.executeUpdate();
    }
  }

  private static void clearStaleAcks(Connection out) throws SQLException {
    try (Statement s = out.createStatement()) {
      s.executeUpdate("DELETE FROM processing_ack WHERE status = 'processing'");
    }
  }

  private void beat() {
    Path heartbeat = launch.heartbeat();
    try {
      if (Files.exists(heartbeat)) {
        Files.setLastModifiedTime(heartbeat, FileTime.from(Instant.now()));
      } else {
        Files.createFile(heartbeat);
      }
    } catch (IOException e) {
      LOG.debug("heartbeat of {}: {}", launch.sessionId(), e.toString());
    }
  }

  private static String sqliteNow() {
    return Instant.now().toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", "");
  }

  private static Connection open(Path file, boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(readOnly);
    config.setBusyTimeout(5000);
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }
}
