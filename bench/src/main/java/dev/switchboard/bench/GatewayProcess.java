package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real gateway, run from its packaged jar as a separate JVM, exactly as the launcher runs it:
 * the same JVM options, {@code -cp gateway/target/switchboard-gateway.jar:gateway/target/lib/*},
 * main class {@code dev.switchboard.GatewayMain}. Its config, data folder, port and webhook token
 * are its own; its log goes to a file in its folder.
 */
final class GatewayProcess implements AutoCloseable {
  /** The launcher's default JVM options (see {@code java_opts} in {@code ./switchboard}). */
  static final String DEFAULT_JAVA_OPTIONS =
      "-XX:+UseG1GC -XX:G1PeriodicGCInterval=15000 -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10"
          + " -XX:TrimNativeHeapInterval=5000 -Xms16m -Xmx512m -Xss512k";
  /** The launcher's default for glibc's {@code MALLOC_ARENA_MAX}, set unless the environment has one. */
  static final String MALLOC_ARENA_MAX = "2";
  /** Added by the launcher after the options, whatever they are. */
  static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

  private static final String MAIN_CLASS = "dev.switchboard.GatewayMain";
  private static final Duration READY_POLL = Duration.ofMillis(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path folder;
  private final Path logFile;
  private final int port;
  private final String token;
  private final long startupNanos;
  private final Thread killOnExit;

  private GatewayProcess(
      Process process, Path folder, Path logFile, int port, String token, long startupNanos,
      Thread killOnExit) {
    this.process = process;
    this.folder = folder;
    this.logFile = logFile;
    this.port = port;
    this.token = token;
    this.startupNanos = startupNanos;
    this.killOnExit = killOnExit;
  }

  /**
   * The JVM options the launcher would use: {@code SWITCHBOARD_JAVA_OPTS} if set, else its
   * defaults; then {@link #NATIVE_ACCESS}.
   */
  static List<String> javaOptions(Map<String, String> environment) {
    String chosen = environment.getOrDefault("SWITCHBOARD_JAVA_OPTS", "");
    if (chosen.isBlank()) {
      chosen = DEFAULT_JAVA_OPTIONS;
    }
    List<String> options = new ArrayList<>(Arrays.asList(chosen.trim().split("\\s+")));
    options.add(NATIVE_ACCESS);
    return List.copyOf(options);
  }

  /** Fails with what to do when the packaged gateway or the plugin jars are missing. */
  static void checkPackaged(Path root) {
    List<Path> needed =
        List.of(
            root.resolve("gateway/target/switchboard-gateway.jar"),
            root.resolve("gateway/target/lib"),
            root.resolve("plugins/webhook.jar"),
            root.resolve("plugins/command.jar"));
    for (Path path : needed) {
      if (!Files.exists(path)) {
        throw new IllegalStateException(
            path + " is missing: package the gateway first (./switchboard build)");
      }
    }
  }

  /**
   * Starts the gateway with {@code configYaml} in {@code folder} (config, data, log) and returns
   * once {@code GET /ready} answers 200; the time from spawning the process until then is its
   * start-up time.
   */
  static GatewayProcess start(
      Path root, Path folder, String configYaml, List<String> javaOptions, Duration readyTimeout) {
    checkPackaged(root);
    Path configFile = folder.resolve("switchboard.yaml");
    Path logFile = folder.resolve("gateway.log");
    int port = freePort();
    String token = randomToken();
    try {
      Files.createDirectories(folder);
      Files.writeString(configFile, configYaml, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile, e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.add("-cp");
    command.add(
        root.resolve("gateway/target/switchboard-gateway.jar") + ":"
            + root.resolve("gateway/target/lib") + "/*");
    command.add(MAIN_CLASS);
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("SWITCHBOARD_"));
    env.remove("JAVA_TOOL_OPTIONS");
    env.putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
    env.put("SWITCHBOARD_CONFIG", configFile.toString());
    env.put("SWITCHBOARD_DATA_DIR", folder.resolve("data").toString());
    env.put("SWITCHBOARD_PLUGINS_DIR", root.resolve("plugins").toString());
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
    env.put("SWITCHBOARD_WEBHOOK_TOKEN", token);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));

    long spawned = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gateway: " + command, e);
    }
    Thread killOnExit = new Thread(() -> killTree(process), "kill-gateway-" + process.pid());
    Runtime.getRuntime().addShutdownHook(killOnExit);
    GatewayProcess gateway;
    try {
      long ready = awaitReady(process, port, readyTimeout, logFile);
      gateway =
          new GatewayProcess(process, folder, logFile, port, token, ready - spawned, killOnExit);
    } catch (RuntimeException e) {
      killTree(process);
      Runtime.getRuntime().removeShutdownHook(killOnExit);
      throw e;
    }
    return gateway;
  }

  /** Polls {@code /ready} until it answers 200; returns {@link System#nanoTime()} of that answer. */
  private static long awaitReady(Process process, int port, Duration timeout, Path logFile) {
    URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build()) {
      while (System.nanoTime() - deadline < 0) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the gateway exited with " + process.exitValue() + " before it was ready\n"
                  + tail(logFile, 40));
        }
        try {
          HttpResponse<String> response =
              http.send(
                  HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            return System.nanoTime();
          }
          last = response.statusCode() + " " + response.body();
        } catch (IOException e) {
          last = e.toString();
        }
        Pause.of(READY_POLL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the gateway", e);
    }
    throw new IllegalStateException(
        "the gateway was not ready within " + timeout + " (last /ready: " + last + ")\n"
            + tail(logFile, 40));
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  String token() {
    return token;
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  Path folder() {
    return folder;
  }

  Path dataDir() {
    return folder.resolve("data");
  }

  /** From spawning the process until {@code /ready} answered 200. */
  Duration startup() {
    return Duration.ofNanos(startupNanos);
  }

  /** Memory and CPU time of the gateway process now. */
  ProcessStats.Sample sample() {
    return ProcessStats.sample(process.pid());
  }

  /** The summed resident set size of the processes the gateway started (command agents), KiB. */
  long agentsRssKib() {
    return process.descendants().mapToLong(p -> ProcessStats.rssKibOrZero(p.pid())).sum();
  }

  /** The last lines of the gateway's log. */
  String logTail(int lines) {
    return tail(logFile, lines);
  }

  /** SIGTERM, then waits for a clean stop; SIGKILL (with its agents) if it takes too long. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          killTree(process);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(process);
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // The JVM is shutting down already; the hook runs anyway.
      }
    }
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return "bench-" + HexFormat.of().formatHex(bytes);
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.exists(file) ? Files.readAllLines(file, UTF_8) : List.of();
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return "---- last " + last.size() + " lines of " + file + " ----\n" + String.join("\n", last);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
