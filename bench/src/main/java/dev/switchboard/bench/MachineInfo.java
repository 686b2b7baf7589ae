package dev.switchboard.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: CPUs, memory, the data folder's disk, OS and JDK. */
record MachineInfo(
    String cpus, String cpuModel, String memory, String disk, String os, String jdk) {

  /** Describes this machine; {@code dataFolder} must exist (its file system is reported). */
  static MachineInfo describe(Path dataFolder) {
    return new MachineInfo(
        command(List.of("nproc"), String.valueOf(Runtime.getRuntime().availableProcessors())),
        readCpuModel(),
        readMemory(),
        command(List.of("df", "-hT", dataFolder.toString()), "unknown"),
        readOs(),
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name")
            + " " + System.getProperty("java.runtime.version"));
  }

  /** The three load averages of {@code /proc/loadavg}, e.g. {@code 0.42 0.51 0.60}. */
  static String loadAverage() {
    String line = read(Path.of("/proc/loadavg"));
    String[] parts = line.trim().split("\\s+");
    return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "unknown";
  }

  private static String readCpuModel() {
    for (String line : read(Path.of("/proc/cpuinfo")).split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static String readMemory() {
    for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
      if (line.startsWith("MemTotal:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
      }
    }
    return "unknown";
  }

  private static String readOs() {
    String name = System.getProperty("os.name");
    for (String line : read(Path.of("/etc/os-release")).split("\n")) {
      if (line.startsWith("PRETTY_NAME=")) {
        name = line.substring("PRETTY_NAME=".length()).replace("\"", "");
      }
    }
    return name + ", kernel " + System.getProperty("os.version") + ", "
        + System.getProperty("os.arch");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The trimmed standard output of a short command, or {@code fallback} if it fails. */
  private static String command(List<String> command, String fallback) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), UTF_8).trim();
      if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
        process.destroyForcibly();
        return fallback;
      }
      return out;
    } catch (IOException e) {
      return fallback;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    }
  }
}
