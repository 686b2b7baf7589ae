package dev.switchboard;

import dev.switchboard.admin.Cli;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.StoreException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The entry point: runs the gateway, or one management command. Only wires; holds no logic. */
public final class GatewayMain {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  public static void main(String[] args) {
    List<String> arguments = Arrays.asList(args);
    ConfigLoader loader = new ConfigLoader(System.getenv());
    try {
      if (arguments.isEmpty() || arguments.get(0).equals("run")) {
        run(loader.load());
      } else if (List.of("help", "--help", "-h").contains(arguments.get(0))) {
        System.out.print(Cli.USAGE);
      } else {
        GatewayConfig config = loader.load();
        int code;
        try (CentralDb central = CentralDb.open(config.dataDir().resolve("switchboard.db"))) {
          code =
              new Cli(central, new SessionFiles(config.dataDir()), Clock.systemUTC(), config.timezone(), System.out)
                  .run(arguments);
        }
        System.exit(code);
      }
    } catch (ConfigException e) {
      System.err.println("switchboard: configuration problem: " + e.getMessage());
      System.exit(78);
    } catch (StoreException e) {
      System.err.println("switchboard: storage problem: " + e.getMessage());
      System.exit(74);
    }
  }

  private static void run(GatewayConfig config) {
    long started = System.nanoTime();
    Gateway gateway = Gateway.start(config, Clock.systemUTC());
    long millis = (System.nanoTime() - started) / 1_000_000;
    LOG.info(
        "Switchboard ready in {} ms on http://{}:{} (data in {})",
        millis, config.http().host(), gateway.port(), config.dataDir().toAbsolutePath());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("stopping");
                  gateway.close();
                  LOG.info("stopped");
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
