package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the Switchboard folder: the one with the launcher, {@code plugins/} and {@code gateway/}. */
final class RepoRoot {
  private RepoRoot() {}

  /**
   * The {@code switchboard.root} system property (the launcher and the build set it), else the
   * nearest folder at or above the working directory that looks like the Switchboard folder.
   */
  static Path find() {
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
        "cannot find the Switchboard folder (with ./switchboard, plugins/ and gateway/);"
            + " run from inside it or set -Dswitchboard.root");
  }

  private static boolean isRoot(Path p) {
    return Files.isRegularFile(p.resolve("switchboard"))
        && Files.isDirectory(p.resolve("plugins"))
        && Files.isDirectory(p.resolve("gateway"));
  }
}
