package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The V1 migrations create exactly the seed's schema: every table, column, type, default,
 * constraint and index of shared/seed/schema.sql, and nothing else of the host's in V1.
 */
class SeedSchemaTest {
  private static final Path SEED = Path.of(System.getProperty("switchboard.root", "..")).resolve("../shared/seed/schema.sql");

  @TempDir Path dir;

  @Test
  void central_v1_is_the_seed_central_schema() throws Exception {
    CentralDb.open(dir.resolve("central.db")).close();
    Map<String, String> migrated = schema(dir.resolve("central.db"), "1");
    assertEquals(seedPart(0), migrated);
  }

  @Test
  void session_files_v1_are_the_seed_inbound_and_outbound_schemas() throws Exception {
    SessionFiles files = new SessionFiles(dir);
    Path session = files.ensure("ag-1", "sess-1");
    assertEquals(seedPart(1), schema(session.resolve("inbound.db"), "1"));
    assertEquals(seedPart(2), schema(session.resolve("outbound.db"), "1"));
  }

  @Test
  void migrations_run_once_and_later_opens_are_no_ops() throws Exception {
    CentralDb.open(dir.resolve("central.db")).close();
    CentralDb.open(dir.resolve("central.db")).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("central.db"));
        Statement s = c.createStatement()) {
      var rows = s.executeQuery("SELECT COUNT(*), MAX(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success = 1");
      assertEquals(6, rows.getInt(1), "V1 to V6 applied once each");
      assertEquals(6, rows.getInt(2));
    }
  }

  /** The seed's tables and indexes of one part (0 central, 1 inbound, 2 outbound), as SQLite stores them. */
  private Map<String, String> seedPart(int part) throws Exception {
    assertTrue(Files.exists(SEED), "the seed schema is at " + SEED);
    String[] parts = Files.readString(SEED).split("-- =+\\n-- [^\\n]*\\n-- =+\\n");
    Path file = dir.resolve("seed-" + part + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.executeUpdate(parts[part + 1]);
    }
    return schema(file, null);
  }

  /**
   * Table and index definitions (normalised SQL) and column info of a file, optionally only what
   * a given Flyway version created (for V1: everything minus the objects later versions add).
   */
  private static Map<String, String> schema(Path file, String onlyVersion) throws SQLException {
    Map<String, String> result = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      var rows =
          s.executeQuery(
              "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                  + " AND name NOT LIKE 'flyway_%' AND sql IS NOT NULL ORDER BY name");
      List<String[]> objects = new ArrayList<>();
      while (rows.next()) {
        objects.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
      }
      for (String[] object : objects) {
        if (onlyVersion != null && createdAfterV1(object[1])) {
          continue;
        }
        result.put(object[0] + " " + object[1], normalise(object[2]));
        if (object[0].equals("table")) {
          var columns = s.executeQuery("PRAGMA table_info(" + object[1] + ")");
          StringBuilder info = new StringBuilder();
          while (columns.next()) {
            info.append(columns.getString("name")).append(' ').append(columns.getString("type"))
                .append(" notnull=").append(columns.getInt("notnull"))
                .append(" default=").append(columns.getString("dflt_value"))
                .append(" pk=").append(columns.getInt("pk")).append('\n');
          }
          result.put("columns " + object[1], info.toString());
        }
      }
    }
    return result;
  }

  /** Objects that V2 and later add; the V1 comparison leaves them out. */
  private static boolean createdAfterV1(String name) {
    return List.of(
            "session_work", "idx_session_work_pending", "deliveries", "idx_deliveries_due",
            "idx_deliveries_conversation", "dropped_messages", "agent_runs",
            "channel_default_wirings", "idx_messages_in_status", "scheduled_tasks",
            "idx_scheduled_tasks_status", "question_details", "destination_acl", "host_state",
            "idx_session_work_wake", "pairing_codes", "idx_deliveries_unprojected")
        .contains(name);
  }

  private static String normalise(String sql) {
    return sql.replaceAll("--[^\\n]*", "").replaceAll("\\s+", " ").replaceAll("\\( ", "(").replaceAll(" \\)", ")").trim();
  }
}
