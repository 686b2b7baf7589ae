package dev.switchboard.bench;

import io.javalin.Javalin;
import java.net.URI;

/**
 * The HTTP limit: a bare Javalin server in the driver's JVM, on virtual threads like the gateway's,
 * that reads the body of {@code POST /webhooks/webhook} and answers 202 with a stored-like JSON,
 * storing nothing.
 */
final class BareJavalin implements AutoCloseable {
  private static final String ANSWER = "{\"id\":\"x\",\"status\":\"stored\",\"sessions\":1}";

  private final Javalin app;

  private BareJavalin(Javalin app) {
    this.app = app;
  }

  /** Starts it on a free loopback port. */
  static BareJavalin start() {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.concurrency.useVirtualThreads = true;
              config.routes.post(
                  WebhookClient.POST_PATH,
                  ctx -> {
                    ctx.bodyAsBytes();
                    ctx.status(202).contentType("application/json").result(ANSWER);
                  });
            });
    app.start("127.0.0.1", 0);
    return new BareJavalin(app);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + app.port());
  }

  @Override
  public void close() {
    app.stop();
  }
}
