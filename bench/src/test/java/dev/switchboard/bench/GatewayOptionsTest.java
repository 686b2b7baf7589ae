package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayOptionsTest {
  @Test
  void the_default_jvm_options_are_the_ones_the_launcher_runs_the_gateway_with() throws Exception {
    String launcher = Files.readString(RepoRoot.find().resolve("switchboard"), UTF_8);
    assertTrue(
        launcher.contains("${SWITCHBOARD_JAVA_OPTS:-" + GatewayProcess.DEFAULT_JAVA_OPTIONS + "}"),
        "the launcher's default JVM options changed; update GatewayProcess.DEFAULT_JAVA_OPTIONS");
    assertTrue(launcher.contains(GatewayProcess.NATIVE_ACCESS));
  }

  @Test
  void without_switchboard_java_opts_the_gateway_gets_the_defaults_and_native_access() {
    assertEquals(
        List.of("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=15000", "-XX:MaxHeapFreeRatio=30",
            "-XX:MinHeapFreeRatio=10", "-XX:TrimNativeHeapInterval=5000", "-Xms16m", "-Xmx512m", "-Xss512k",
            "--enable-native-access=ALL-UNNAMED"),
        GatewayProcess.javaOptions(Map.of()));
  }

  @Test
  void switchboard_java_opts_replace_the_defaults_but_native_access_stays() {
    assertEquals(
        List.of("-Xmx1g", "-XX:StartFlightRecording=filename=x.jfr",
            "--enable-native-access=ALL-UNNAMED"),
        GatewayProcess.javaOptions(
            Map.of("SWITCHBOARD_JAVA_OPTS", " -Xmx1g  -XX:StartFlightRecording=filename=x.jfr ")));
  }
}
