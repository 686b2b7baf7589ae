package dev.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad config stops start-up: the real gateway process exits non-zero within a deadline, before it
 * serves anything, and its standard error names the key and says how to fix it.
 */
class BadConfigStartupTest {
  private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);
  private static final int CONFIG_PROBLEM = 78;

  @RegisterExtension final GatewayProcesses gateways = new GatewayProcesses();
  @TempDir Path folder;

  @Test
  void an_unknown_key_stops_start_up_and_the_error_names_it_and_lists_the_known_keys() {
    String config = GatewayProcess.defaultConfig().replace("  port: 8080", "  prot: 8080");
    GatewayProcess gateway = gateways.withConfig(folder, config);

    gateway.launch();
    int code = gateway.awaitExit(EXIT_DEADLINE);

    assertEquals(CONFIG_PROBLEM, code, gateway.logTail(20));
    String stderr = gateway.log();
    assertTrue(stderr.contains("configuration problem"), stderr);
    assertTrue(stderr.contains("unknown setting http.prot"), stderr);
    assertTrue(stderr.contains("known here: admission, host, maxBodyBytes, port"), stderr);
    assertFalse(Files.exists(gateway.dataDir().resolve("switchboard.db")), "it touched the store");
  }

  @Test
  void a_port_out_of_range_stops_start_up_and_the_error_gives_the_allowed_range() {
    String config = GatewayProcess.defaultConfig().replace("  port: 8080", "  port: 70000");
    GatewayProcess gateway = gateways.withConfig(folder, config);
    gateway.environment().remove("SWITCHBOARD_HTTP_PORT");

    gateway.launch();
    int code = gateway.awaitExit(EXIT_DEADLINE);

    assertEquals(CONFIG_PROBLEM, code, gateway.logTail(20));
    String stderr = gateway.log();
    assertTrue(stderr.contains("http.port must be between 0 and 65535, was 70000"), stderr);
  }

  @Test
  void a_port_in_the_environment_that_is_not_a_number_stops_start_up_and_names_the_variable() {
    GatewayProcess gateway = gateways.withDefaultConfig(folder);
    gateway.environment().put("SWITCHBOARD_HTTP_PORT", "eighty");

    gateway.launch();
    int code = gateway.awaitExit(EXIT_DEADLINE);

    assertEquals(CONFIG_PROBLEM, code, gateway.logTail(20));
    assertTrue(
        gateway.log().contains("SWITCHBOARD_HTTP_PORT must be a port number, was 'eighty'"),
        gateway.log());
  }
}
