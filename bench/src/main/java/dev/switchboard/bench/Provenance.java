package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Which gateway was measured: the packaged jar's build time, the commit checked out and the
 * uncommitted changes in the folders the jar and the plugins are built from. Read-only.
 */
record Provenance(Instant jarBuilt, String commit, List<String> uncommitted) {
  private static final List<String> SOURCES = List.of("gateway", "plugins", "plugin-api");

  static Provenance of(Path root) {
    Instant built;
    try {
      built =
          Files.getLastModifiedTime(root.resolve("gateway/target/switchboard-gateway.jar"))
              .toInstant();
    } catch (IOException e) {
      built = null;
    }
    String commit = git(root, List.of("rev-parse", "--short", "HEAD")).orElse("unknown").trim();
    List<String> changed =
        git(root, concat(List.of("status", "--porcelain", "--untracked-files=no", "--"), SOURCES))
            .map(out -> out.lines().map(l -> l.length() > 3 ? l.substring(3) : l).toList())
            .orElse(List.of());
    return new Provenance(built, commit, changed);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  private static Optional<String> git(Path root, List<String> args) {
    List<String> command = concat(List.of("git", "-C", root.toString()), args);
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(process.getInputStream().readAllBytes(), UTF_8);
      if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(out);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
