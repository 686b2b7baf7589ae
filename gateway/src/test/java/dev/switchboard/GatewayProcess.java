package dev.switchboard;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real gateway, run as a separate JVM on the test's classpath, with its own config file, data
 * folder, port and webhook token in a folder of the test's. It can be started, SIGKILLed, started
 * again on the same data folder and port, and stopped with SIGTERM. Standard error (the gateway's
 * log) and standard output are appended to files in that folder across restarts.
 */
public final class GatewayProcess implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READY_POLL = Duration.ofMillis(50);
  private static final String MAIN_CLASS = "dev.switchboard.GatewayMain";

  private final Path folder;
  private final Path configFile;
  private final Path dataDir;
  private final Path logFile;
  private final Path outFile;
  private final int port;
  private final String token;
  private final String classpath;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private Process process;
  private int starts;

  private GatewayProcess(Path folder, String configYaml) {
    this.folder = folder;
    this.configFile = folder.resolve("switchboard.yaml");
    this.dataDir = folder.resolve("data");
    this.logFile = folder.resolve("gateway.log");
    this.outFile = folder.resolve("gateway.out");
    this.port = freePort();
    this.token = randomToken();
    try {
      Files.createDirectories(folder);
      Files.writeString(configFile, configYaml, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the config file " + configFile, e);
    }
    this.classpath = gatewayClasspath(folder.resolve("classpath"));
    environment.put("SWITCHBOARD_CONFIG", configFile.toString());
    environment.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
    environment.put("SWITCHBOARD_PLUGINS_DIR", copyPlugins(folder.resolve("plugins")).toString());
    environment.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
    environment.put("SWITCHBOARD_WEBHOOK_TOKEN", token);
  }

  /** A gateway with the repository's default config ({@code config/switchboard.yaml}). */
  public static GatewayProcess withDefaultConfig(Path folder) {
    return withConfig(folder, defaultConfig());
  }

  /** A gateway with the given config text. */
  public static GatewayProcess withConfig(Path folder, String configYaml) {
    return new GatewayProcess(folder, configYaml);
  }

  /** The text of the repository's default config file. */
  public static String defaultConfig() {
    Path file = repoRoot().resolve("config").resolve("switchboard.yaml");
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the default config " + file, e);
    }
  }

  /**
   * The repository root: the {@code switchboard.root} system property the build sets, else the
   * nearest folder above the working directory that holds the launcher and {@code plugins/}.
   */
  public static Path repoRoot() {
    String property = System.getProperty("switchboard.root");
    if (property != null && !property.isBlank() && isRoot(Path.of(property))) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (isRoot(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "cannot find the Switchboard folder (with ./switchboard and plugins/); set -Dswitchboard.root");
  }

  private static boolean isRoot(Path p) {
    return Files.isRegularFile(p.resolve("switchboard")) && Files.isDirectory(p.resolve("plugins"));
  }

  /** A port that was free a moment ago: opened on an ephemeral port and closed again. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return "test-" + HexFormat.of().formatHex(bytes);
  }

  /** The environment the gateway gets on top of the test's (minus SWITCHBOARD_*); editable. */
  public Map<String, String> environment() {
    return environment;
  }

  public int port() {
    return port;
  }

  public String token() {
    return token;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return logFile;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** A client for the webhook channel of this gateway, sharing its HTTP client. */
  WebhookClient webhook() {
    return new WebhookClient(http, uri(""), token);
  }

  /** Starts the process and returns once {@code /ready} says ready. */
  public void start() {
    launch();
    awaitReady();
  }

  /** Starts the process without waiting for it to be ready. */
  public void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the gateway is running already (pid " + process.pid() + ")");
    }
    starts++;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN_CLASS);
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().putAll(environment);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()));
    mark("start #" + starts);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gateway: " + command, e);
    }
  }

  /**
   * The test JVM's classpath without the test classes: the gateway's classes and every runtime
   * library (test libraries ride along and are never loaded by the gateway). Class folders are
   * copied into {@code copies} first, so that every restart runs the same code even when a build
   * rewrites {@code target/classes} meanwhile.
   */
  static String gatewayClasspath(Path copies) {
    String classpath = System.getProperty("java.class.path");
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.isBlank() || path.endsWith("test-classes")) {
        continue;
      }
      if (Files.isDirectory(path)) {
        Path copy = copies.resolve(entries.size() + "-" + path.getFileName());
        copyTree(path, copy);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * The plugin jars the build put in the repository's {@code plugins/} folder, copied into {@code
   * copies}: a build that rewrites a jar while the gateway reads it cannot break a restart.
   */
  public static Path copyPlugins(Path copies) {
    Path plugins = repoRoot().resolve("plugins");
    try (Stream<Path> jars = Files.list(plugins)) {
      Files.createDirectories(copies);
      for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
        Files.copy(jar, copies.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the plugin jars of " + plugins, e);
    }
    for (String required : List.of("webhook.jar", "command.jar")) {
      if (!Files.isRegularFile(copies.resolve(required))) {
        throw new IllegalStateException(
            plugins.resolve(required) + " is missing; build the plugins first (mvn -f plugins/"
                + required.replace(".jar", "") + "/pom.xml package -DskipTests)");
      }
    }
    return copies;
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** Waits until {@code /ready} answers 200 with ready true; fails if the process dies first. */
  public void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer yet";
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the gateway exited with " + process.exitValue() + " before it was ready\n" + logTail(60));
      }
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(uri("/ready")).timeout(Duration.ofSeconds(2)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200 && response.body().contains("\"ready\":true")) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the gateway", e);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "the gateway was not ready within " + READY_TIMEOUT + " (last /ready: " + last + ")\n"
                + logTail(60));
      }
      Await.pause(READY_POLL);
    }
  }

  /** The process id of the running (or last) gateway process; -1 before the first start. */
  public long pid() {
    return process == null ? -1 : process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL (with whatever it started), then waits until it is gone; returns the exit code. */
  public int kill() {
    Process p = process;
    if (p == null) {
      return -1;
    }
    mark("SIGKILL");
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    return awaitExit(p, "after SIGKILL");
  }

  /** SIGTERM, then waits until it exits; returns the exit code. */
  public int stop() {
    Process p = process;
    if (p == null) {
      return -1;
    }
    mark("SIGTERM");
    p.destroy();
    return awaitExit(p, "after SIGTERM");
  }

  /** Waits for the process to exit on its own (e.g. after a refused config); returns its code. */
  public int awaitExit(Duration timeout) {
    Process p = process;
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "the gateway did not exit within " + timeout + "\n" + logTail(60));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the gateway to exit", e);
    }
    return p.exitValue();
  }

  private int awaitExit(Process p, String when) {
    try {
      if (!p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError(
            "the gateway did not exit within " + EXIT_TIMEOUT + " " + when + "\n" + logTail(60));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the gateway to exit", e);
    }
    return p.exitValue();
  }

  /** Everything the gateway wrote to standard error (its log), across every start. */
  public String log() {
    return read(logFile);
  }

  /** Everything the gateway wrote to standard output, across every start. */
  public String output() {
    return read(outFile);
  }

  /** The last {@code lines} lines of the log, introduced by where the whole log is. */
  public String logTail(int lines) {
    List<String> all = log().lines().toList();
    List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
    return "---- last " + tail.size() + " of " + all.size() + " lines of " + logFile + " ----\n"
        + String.join("\n", tail) + "\n---- end of gateway log ----";
  }

  /** The body of a GET on this gateway, if it answers. */
  public Optional<String> get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return Optional.of(response.body());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void mark(String event) {
    String line = "#### test harness: " + event + " at " + Instant.now() + "\n";
    try {
      Files.writeString(
          logFile, line, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + logFile, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** Kills the process if it still runs, and closes the HTTP client. */
  @Override
  public void close() {
    try {
      if (process != null && process.isAlive()) {
        kill();
      }
    } finally {
      http.close();
    }
  }
}
