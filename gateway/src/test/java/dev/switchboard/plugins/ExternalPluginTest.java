package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * folder, carries a message to an agent and its reply back; and the published plugin parent fails
 * the build of a plugin whose jar bundles what the gateway provides.
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

  @Test
  void the_plugin_parent_fails_the_package_build_of_a_plugin_whose_jar_bundles_slf4j()
      throws Exception {
    Path project = dir.resolve("bundler");
    Path sources = Files.createDirectories(project.resolve("src/main/java/com/example/bundler"));
    Files.writeString(project.resolve("pom.xml"), BUNDLING_POM);
    Files.writeString(sources.resolve("BundlerChannelFactory.java"), BUNDLER_FACTORY);

    Build build = maven(project.resolve("pom.xml"), "package");

    assertNotEquals(0, build.exit(), "the build should fail:\n" + build.log());
    assertTrue(
        build.log().contains("it bundles org/slf4j/* classes, which the gateway provides"),
        "the failure names what the jar bundles:\n" + build.log());
    assertTrue(
        Files.isRegularFile(project.resolve("target/bundler.jar")),
        "the jar was made, then refused by the check");
  }

  // A plugin whose author replaced the parent's exclusions and made SLF4J a compile dependency.
  private static final String BUNDLING_POM =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <modelVersion>4.0.0</modelVersion>
        <parent>
          <groupId>dev.switchboard</groupId>
          <artifactId>switchboard-plugin-parent</artifactId>
          <version>0.1.0-SNAPSHOT</version>
          <relativePath/>
        </parent>
        <groupId>com.example</groupId>
        <artifactId>bundler-plugin</artifactId>
        <version>1.0.0</version>
        <properties>
          <plugin.id>bundler</plugin.id>
        </properties>
        <dependencies>
          <dependency>
            <groupId>org.slf4j</groupId>
            <artifactId>slf4j-api</artifactId>
            <scope>compile</scope>
          </dependency>
        </dependencies>
        <build>
          <plugins>
            <plugin>
              <groupId>org.apache.maven.plugins</groupId>
              <artifactId>maven-shade-plugin</artifactId>
              <executions>
                <execution>
                  <id>plugin-jar</id>
                  <configuration>
                    <artifactSet combine.self="override"/>
                  </configuration>
                </execution>
              </executions>
            </plugin>
          </plugins>
        </build>
      </project>
      """;

  private static final String BUNDLER_FACTORY =
      """
      package com.example.bundler;

      import dev.switchboard.plugin.api.Channel;
      import dev.switchboard.plugin.api.ChannelContext;
      import dev.switchboard.plugin.api.ChannelFactory;
      import dev.switchboard.plugin.api.Settings;
      import org.pf4j.Extension;

      @Extension
      public class BundlerChannelFactory implements ChannelFactory {
        @Override
        public String channelType() {
          return "bundler";
        }

        @Override
        public Channel create(Settings settings, ChannelContext context) {
          throw new UnsupportedOperationException("never started");
        }
      }
      """;

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

  /** Runs {@code mvn -o package} on the example, as its author would; returns its jar. */
  private Path buildExample() throws IOException, InterruptedException {
    Path jar = EXAMPLE.resolve("target/linechat.jar");
    Files.deleteIfExists(jar);
    Build build = maven(EXAMPLE.resolve("pom.xml"), "package");
    assertEquals(0, build.exit(), "building the example plugin failed:\n" + build.log());
    assertTrue(Files.isRegularFile(jar), "the example's build made " + jar);
    return jar;
  }

  private record Build(int exit, String log) {}

  /** Runs Maven offline and quiet on {@code pom} with the JDK these tests run on. */
  private Build maven(Path pom, String phase) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "build-", ".log");
    ProcessBuilder maven =
        new ProcessBuilder("mvn", "-o", "-q", "-B", "-f", pom.toString(), phase)
            .directory(GatewayRun.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
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
      throw new AssertionError("Maven (mvn) must be on the PATH to build a plugin", e);
    }
    if (!process.waitFor(BUILD_TIME.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail("building " + pom + " took over " + BUILD_TIME + ":\n" + Files.readString(log));
    }
    return new Build(process.exitValue(), Files.readString(log));
  }
}
