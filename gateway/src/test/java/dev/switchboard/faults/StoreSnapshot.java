package dev.switchboard.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a gateway's data folder holds, read from outside the gateway: row counts of the central
 * database's tables that inbound traffic creates, the inbound rows of every session, the files of
 * the folder, and SQLite's own integrity check of every database in it.
 */
public final class StoreSnapshot {
  private static final List<String> CENTRAL_TABLES =
      List.of("messaging_groups", "sessions", "dropped_messages", "pending_questions", "deliveries");

  private StoreSnapshot() {}

  /** Row counts: {@code central.<table>} and {@code inbound.messages_in} (over all sessions). */
  public static Map<String, Long> counts(Path dataDir) {
    Map<String, Long> counts = new TreeMap<>();
    Path central = dataDir.resolve("switchboard.db");
    if (Files.exists(central)) {
      for (String table : CENTRAL_TABLES) {
        counts.put("central." + table, count(central, "SELECT COUNT(*) FROM " + table));
      }
    }
    long inbound = 0;
    for (Path file : inboundFiles(dataDir)) {
      inbound += count(file, "SELECT COUNT(*) FROM messages_in");
    }
    counts.put("inbound.messages_in", inbound);
    counts.put("sessions.folders", (long) inboundFiles(dataDir).size());
    return counts;
  }

  /** The ids of every session's inbound rows. */
  public static TreeSet<String> inboundIds(Path dataDir) {
    TreeSet<String> ids = new TreeSet<>();
    for (Path file : inboundFiles(dataDir)) {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT id FROM messages_in")) {
        while (r.next()) {
          ids.add(r.getString(1));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return ids;
  }

  /** Every file under {@code folder}, relative, without SQLite's transient companions. */
  public static TreeSet<String> files(Path folder) {
    TreeSet<String> files = new TreeSet<>();
    if (!Files.exists(folder)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      paths
          .filter(p -> !p.equals(folder))
          .map(p -> folder.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""))
          .filter(name -> !name.endsWith("-journal") && !name.endsWith("-wal") && !name.endsWith("-shm"))
          .forEach(files::add);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot list " + folder, e);
    }
    return files;
  }

  /** The databases of the folder whose {@code PRAGMA integrity_check} is not {@code ok}, with why. */
  public static List<String> integrityProblems(Path dataDir) {
    List<String> problems = new ArrayList<>();
    List<Path> databases = new ArrayList<>();
    if (Files.exists(dataDir.resolve("switchboard.db"))) {
      databases.add(dataDir.resolve("switchboard.db"));
    }
    for (Path inbound : inboundFiles(dataDir)) {
      databases.add(inbound);
      databases.add(inbound.resolveSibling("outbound.db"));
    }
    for (Path db : databases) {
      if (!Files.exists(db)) {
        continue;
      }
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
        List<String> lines = new ArrayList<>();
        while (r.next()) {
          lines.add(r.getString(1));
        }
        if (!lines.equals(List.of("ok"))) {
          problems.add(dataDir.relativize(db) + ": " + lines);
        }
      } catch (SQLException e) {
        problems.add(dataDir.relativize(db) + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** The inbound.db of every session folder. */
  public static List<Path> inboundFiles(Path dataDir) {
    Path sessions = dataDir.resolve("sessions");
    if (!Files.isDirectory(sessions)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(sessions, 3)) {
      return paths.filter(p -> p.getFileName().toString().equals("inbound.db")).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot list " + sessions, e);
    }
  }

  private static long count(Path db, String sql) {
    // Read-only, so that looking never creates or changes a file of the gateway's.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + db + ": " + e.getMessage(), e);
    }
  }
}
