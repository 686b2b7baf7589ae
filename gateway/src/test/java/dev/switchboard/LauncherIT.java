package dev.switchboard;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.WebhookClient.Answer;
import dev.switchboard.WebhookClient.Refused;
import dev.switchboard.WebhookClient.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a newcomer runs it: {@code ./switchboard} from the Switchboard folder, with no
 * JAVA_HOME and a JDK older than 21 first on the PATH, so that it must find a JDK 21+ itself. It
 * runs after packaging (an integration test): it needs the gateway jar and its libraries, and it
 * skips itself when they are missing or older than the sources, because the launcher would then
 * start a build of its own inside this one.
 */
class LauncherIT {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
  private static final String OLD_JDK_PATH = "/usr/bin:/bin:/usr/sbin:/sbin";

  @TempDir Path folder;
  private final Path root = GatewayProcess.repoRoot();
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Path log;

  @AfterEach
  void killEverythingStarted() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    http.close();
  }

  @Test
  void the_launcher_finds_a_jdk_21_runs_the_gateway_answers_lists_the_session_and_stops_on_sigterm()
      throws Exception {
    assumePackaged();
    int port = GatewayProcess.freePort();
    Path config = folder.resolve("switchboard.yaml");
    Files.writeString(config, GatewayProcess.defaultConfig(), UTF_8);
    Path dataDir = folder.resolve("data");
    Map<String, String> env =
        Map.of(
            "SWITCHBOARD_DATA_DIR", dataDir.toString(),
            "SWITCHBOARD_HTTP_PORT", Integer.toString(port),
            "SWITCHBOARD_CONFIG", config.toString());
    log = folder.resolve("launcher.log");

    Process gateway = launch(List.of(), env, log);
    URI base = URI.create("http://127.0.0.1:" + port);
    awaitReady(gateway, base);
    Path tokenFile = dataDir.resolve("channels").resolve("webhook").resolve("token");
    assertTrue(Files.isRegularFile(tokenFile), "no generated token in " + tokenFile);
    WebhookClient client =
        new WebhookClient(http, base, Files.readString(tokenFile, UTF_8).strip());

    Answer posted = client.post("launcher-chat", "launcher-1", "hello launcher");
    assertEquals(202, posted.status(), posted.body());
    assertEquals("stored", posted.outcome(), posted.body());
    Reply reply = awaitFirstReply(client, "launcher-chat");
    assertEquals("echo: hello launcher", reply.text());
    assertEquals("launcher-1", reply.replyTo());

    Path listLog = folder.resolve("sessions-list.log");
    Process list = launch(List.of("sessions", "list"), env, listLog);
    assertTrue(list.waitFor(60, TimeUnit.SECONDS), "sessions list did not finish\n" + read(listLog));
    String listing = read(listLog);
    assertEquals(0, list.exitValue(), listing);
    assertTrue(listing.contains("launcher-chat"), listing);
    assertTrue(listing.lines().anyMatch(l -> l.contains("launcher-chat") && l.contains("webhook")
        && l.contains("main")), listing);

    gateway.destroy();
    assertTrue(
        gateway.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
        "the gateway did not stop within " + EXIT_TIMEOUT + " of SIGTERM\n" + read(log));
    int code = gateway.exitValue();
    assertTrue(code == 143 || code == 0, "exit code after SIGTERM: " + code + "\n" + read(log));
    String output = read(log);
    assertTrue(output.contains("stopped"), output);
    assertTrue(output.contains("Switchboard ready"), output);
    if (output.contains("switchboard: building")) {
      System.out.println("launcher test: the launcher built first (a source changed during the test)");
    }
  }

  /** Skips unless the jar, its libraries and the plugin jars exist and are newer than the sources. */
  private void assumePackaged() throws IOException {
    Path jar = root.resolve("gateway/target/switchboard-gateway.jar");
    String howTo = "; run it after packaging: mvn verify (or ./switchboard test), or ./switchboard build first";
    assumeTrue(Files.isRegularFile(jar), jar + " does not exist yet" + howTo);
    assumeTrue(Files.isDirectory(root.resolve("gateway/target/lib")), "gateway/target/lib does not exist yet" + howTo);
    for (String plugin : List.of("webhook.jar", "command.jar")) {
      assumeTrue(Files.isRegularFile(root.resolve("plugins").resolve(plugin)), "plugins/" + plugin + " is missing" + howTo);
    }
    Optional<Path> newer = newerSource(Files.getLastModifiedTime(jar));
    assumeTrue(
        newer.isEmpty(),
        () -> newer.get() + " is newer than " + jar + ", so the launcher would build first" + howTo);
  }

  /** A source the launcher counts (any *.java, pom.xml or main resource) newer than the jar. */
  private Optional<Path> newerSource(FileTime jarTime) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> !p.startsWith(root.resolve("data")) && !p.startsWith(root.resolve(".git")))
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".java")
                    || name.equals("pom.xml")
                    || p.toString().contains("/src/main/resources/");
              })
          .filter(Files::isRegularFile)
          .filter(p -> lastModified(p).compareTo(jarTime) > 0)
          .findFirst();
    }
  }

  private static FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Runs the launcher from the Switchboard folder, without JAVA_HOME, JDK 17 first on the PATH. */
  private Process launch(List<String> arguments, Map<String, String> env, Path output)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("./switchboard");
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().put("PATH", OLD_JDK_PATH);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private void awaitReady(Process gateway, URI base) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      assertTrue(gateway.isAlive(), "the launcher exited with " + exitCode(gateway) + "\n" + read(log));
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(base.resolve("/ready")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"ready\":true")) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      assertTrue(
          System.nanoTime() - deadline < 0,
          "the gateway was not ready within " + READY_TIMEOUT + "\n" + read(log));
      Await.pause(Duration.ofMillis(100));
    }
  }

  private Reply awaitFirstReply(WebhookClient client, String chat) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() - deadline < 0) {
      try {
        List<Reply> replies = client.fetch(chat, null, 5).messages();
        if (!replies.isEmpty()) {
          return replies.get(0);
        }
      } catch (Refused e) {
        throw new AssertionError("reading the replies was refused: " + e.getMessage(), e);
      } catch (IOException e) {
        Await.pause(Duration.ofMillis(100));
      }
    }
    throw new AssertionError("no reply within 30 s\n" + read(log));
  }

  private static String exitCode(Process p) {
    return p.isAlive() ? "(running)" : Integer.toString(p.exitValue());
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
