package dev.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a stopped gateway's data folder shows, read as an outsider would: read-only connections. */
public final class AgentNotices {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AgentNotices() {}

  /** A read-only connection to a SQLite file of the data folder. */
  public static Connection readOnly(Path file) throws SQLException {
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }

  /**
   * The system rows the gateway wrote for its agents, every session's, each as {@code "<chat> <type>
   * <messageOutId>"}; a file that cannot be read is added to {@code problems}.
   */
  public static List<String> told(Path dataDir, List<String> problems) throws IOException {
    List<Path> inbound;
    try (Stream<Path> files = Files.find(dataDir.resolve("sessions"), 3,
        (path, attributes) -> path.getFileName().toString().equals("inbound.db"))) {
      inbound = files.toList();
    }
    List<String> told = new ArrayList<>();
    for (Path file : inbound) {
      try (Connection c = readOnly(file);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT platform_id, content FROM messages_in WHERE kind = 'system'")) {
        while (r.next()) {
          JsonNode content = JSON.readTree(r.getString(2));
          told.add(r.getString(1) + " " + content.path("type").asText() + " " + content.path("messageOutId").asText());
        }
      } catch (SQLException e) {
        problems.add("cannot read " + file + ": " + e);
      }
    }
    return told;
  }
}
