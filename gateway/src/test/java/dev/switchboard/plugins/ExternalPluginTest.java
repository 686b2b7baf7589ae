package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise to plugin authors, kept: a channel built outside this build, against the published
 * plugin API and testkit alone (examples/plugins/linechat), dropped into a gateway's plugins
 * folder, carries a message to an agent and its reply back.
 *
 * <p>The example is built with Maven offline, so the published artifacts must be in the local
 * repository: the build's "mvn install" puts them there before the gateway's tests run.
 */
class ExternalPluginTest {
  private static final Path EXAMPLE = GatewayRun.ROOT.resolve("examples/plugins/linechat");
  private static final Duration BUILD_TIME = Duration.ofMinutes(5);
  private static final String TOKEN = "linechat-bot-token";

  @TempDir Path dir;

  @Test
  void a_plugin_built_outside_the_tree_carries_a_message_to_the_echo_agent_and_back()
      throws Exception {
    Path jar = buildExample();
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(jar, plugins.resolve("linechat.jar"));

    try (LineChatPlatform platform = new LineChatPlatform(TOKEN);
        GatewayRun run = GatewayRun.start(dir, plugins, config(platform.address()))) {
      platform.say("lobby", "L-1", "hello from outside");

      String acknowledged = Await.next(platform.acknowledged, Duration.ofSeconds(15), "an ACK");
      assertEquals("L-1", acknowledged);
      List<String> reply = Await.next(platform.sent, Duration.ofSeconds(30), "the agent's reply");
      assertEquals(Arrays.asList("lobby", null, "echo: hello from outside"), reply.subList(2, 5));
      JsonNode ready = run.ready();
      assertEquals("STARTED", ready.at("/plugins/linechat/state").asText(), ready.toString());
      assertEquals("1.0.0", ready.at("/plugins/linechat/version").asText());
      assertEquals("running", ready.at("/channels/linechat/state").asText());
    }
  }

  private static String config(String address) {
    return """
        channels:
          linechat: {address: "%s", token: %s}
        agentGroups:
          - {folder: main, provider: echo}
        wirings:
          - {channel: linechat, chat: "*", agentGroup: main}
        """
        .formatted(address, TOKEN);
  }

  /** Runs {@code mvn -o -q package} on the example, as its author would; returns its jar. */
  private Path buildExample() throws IOException, InterruptedException {
    Path jar = EXAMPLE.resolve("target/linechat.jar");
    Files.deleteIfExists(jar);
    Path log = dir.resolve("example-build.log");
    String pom = EXAMPLE.resolve("pom.xml").toString();
    ProcessBuilder maven =
        new ProcessBuilder("mvn", "-o", "-q", "-B", "-f", pom, "package")
            .directory(GatewayRun.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The example builds with the JDK these tests run on.
    maven.environment().put("JAVA_HOME", System.getProperty("java.home"));
    if (Runtime.version().feature() >= 24) {
      maven
          .environment()
          .merge("MAVEN_OPTS", "--sun-misc-unsafe-memory-access=allow", (a, b) -> a + " " + b);
    }
    Process process;
    try {
      process = maven.start();
    } catch (IOException e) {
      throw new AssertionError("Maven (mvn) must be on the PATH to build the example plugin", e);
    }
    if (!process.waitFor(BUILD_TIME.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("building the example plugin took over " + BUILD_TIME + ":\n" + Files.readString(log));
    }
    assertEquals(
        0, process.exitValue(), "building the example plugin failed:\n" + Files.readString(log));
    assertTrue(Files.isRegularFile(jar), "the example's build made " + jar);
    return jar;
  }
}
