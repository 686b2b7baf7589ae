package dev.switchboard.faults.disk;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Mounting with the system's {@code mount} and {@code umount}, which needs root (CAP_SYS_ADMIN). */
final class Mounts {
  private Mounts() {}

  /** The outcome of one command: its exit code and what it printed. */
  record Result(int code, String output) {
    boolean ok() {
      return code == 0;
    }
  }

  static Result run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, String.join(" ", command) + " did not finish in 30 s");
      }
      return new Result(p.exitValue(), output);
    } catch (IOException e) {
      return new Result(-1, "cannot run " + command[0] + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  static Result tmpfs(Path at, int megabytes) {
    return run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", at.toString());
  }

  static Result bind(Path from, Path at) {
    return run("mount", "--bind", from.toString(), at.toString());
  }

  static Result bindReadOnly(Path from, Path at) {
    Result bound = bind(from, at);
    return bound.ok() ? run("mount", "-o", "remount,bind,ro", at.toString()) : bound;
  }

  static Result remount(Path at, String mode) {
    return run("mount", "-o", "remount," + mode, at.toString());
  }

  /** Detaches the mount at once; files open through it stay usable until closed. */
  static Result detach(Path at) {
    return run("umount", "-l", at.toString());
  }

  /** Undoes every mount in {@code mounts}, last first, and says what failed. */
  static List<String> detachAll(List<Path> mounts) {
    List<String> failures = new ArrayList<>();
    for (int i = mounts.size() - 1; i >= 0; i--) {
      Path at = mounts.get(i);
      // A path may carry several stacked mounts; take them all off.
      while (isMountPoint(at)) {
        Result r = detach(at);
        if (!r.ok()) {
          failures.add(at + ": " + r.output());
          break;
        }
      }
    }
    return failures;
  }

  static boolean isMountPoint(Path at) {
    return run("mountpoint", "-q", at.toString()).ok();
  }
}
