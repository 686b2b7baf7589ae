package dev.switchboard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The gateway processes of one test: made through it, printed (log tail) when the test fails, and
 * always killed after the test, whether it passed or not.
 */
public final class GatewayProcesses implements AfterEachCallback {
  private final List<GatewayProcess> processes = new ArrayList<>();

  /** A gateway with the repository's default config, in {@code folder}. */
  public synchronized GatewayProcess withDefaultConfig(Path folder) {
    return track(GatewayProcess.withDefaultConfig(folder));
  }

  /** A gateway with the given config text, in {@code folder}. */
  public synchronized GatewayProcess withConfig(Path folder, String yaml) {
    return track(GatewayProcess.withConfig(folder, yaml));
  }

  private GatewayProcess track(GatewayProcess process) {
    processes.add(process);
    return process;
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    boolean failed = context.getExecutionException().isPresent();
    for (GatewayProcess process : processes) {
      if (failed) {
        System.out.println(process.logTail(120));
      }
      process.close();
    }
    processes.clear();
  }
}
