package dev.switchboard.http;

import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugins.ChannelHost;
import dev.switchboard.plugins.ChannelHost.MountedRoute;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: channel webhooks under {@code /webhooks/<channel>/…}, {@code /health},
 * {@code /ready} and {@code /metrics}. Handlers run on virtual threads, so a channel's long poll
 * blocks nothing else. Bodies over the configured size are refused before a channel sees them, and
 * so are inbound requests the gateway cannot take now ({@link Admission}: {@code 503} with {@code
 * Retry-After}).
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofMinutes(5);
  /**
   * Connections the kernel completes and holds until the server accepts them. Java's default of 50
   * overflows in a burst of new connections while the server is busy, and the kernel then drops
   * the clients' handshakes: they see a connection that fails or takes seconds to open instead of
   * a prompt answer (a 503 when the gateway is full). The kernel caps it at {@code
   * net.core.somaxconn}.
   */
  private static final int ACCEPT_QUEUE = 1024;

  private final Javalin app;

  /** What {@code /ready} reports: whether the gateway is ready, and the details as JSON. */
  public record Readiness(boolean ready, String json) {}

  /**
   * @param admission decides which inbound requests (every route but a {@code GET}) are taken
   */
  public HttpServer(
      String host,
      int port,
      long maxBodyBytes,
      ChannelHost channels,
      List<MountedRoute> routes,
      Supplier<Readiness> readiness,
      Supplier<String> metrics,
      Admission admission) {
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.addConnector(
                  (server, httpConfig) -> {
                    ServerConnector connector =
                        new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                    connector.setHost(host);
                    connector.setPort(port);
                    connector.setAcceptQueueSize(ACCEPT_QUEUE);
                    // Jetty closes a connection after 30 s without traffic, which would cut long
                    // polls short; channels may hold a request open for minutes.
                    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                    return connector;
                  });
              config.concurrency.useVirtualThreads = true;
              config.http.maxRequestSize = maxBodyBytes;
              config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
              config.routes.get(
                  "/ready",
                  ctx -> {
                    Readiness r = readiness.get();
                    ctx.status(r.ready() ? 200 : 503).contentType("application/json").result(r.json());
                  });
              config.routes.get(
                  "/metrics",
                  ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get()));
              for (MountedRoute mounted : routes) {
                String path = "/webhooks/" + mounted.channelType()
                    + (mounted.route().path().isEmpty() ? "" : "/" + mounted.route().path());
                Handler handler = webhook(channels, mounted);
                config.routes.addEndpoint(
                    io.javalin.router.Endpoint.create(method(mounted.route().method()), path)
                        .handler(mounted.route().method() == WebhookRoute.Method.GET
                            ? handler
                            : admitted(admission, handler)));
              }
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                    ctx.status(500).json(Map.of("error", "internal error"));
                  });
            });
    app.start();
  }

  public int port() {
    return app.port();
  }

  private static HandlerType method(WebhookRoute.Method method) {
    return switch (method) {
      case GET -> HandlerType.GET;
      case POST -> HandlerType.POST;
      case PUT -> HandlerType.PUT;
      case DELETE -> HandlerType.DELETE;
    };
  }

  /**
   * Sheds an inbound request the gateway cannot take now, before the channel sees it. Only {@code
   * GET} routes are exempt: they read (long polls of replies, platforms' verification handshakes)
   * and some are held open for minutes by design, while every route that stores is a {@code POST},
   * {@code PUT} or {@code DELETE}.
   */
  private static Handler admitted(Admission admission, Handler handler) {
    return ctx -> {
      // The body is read first (Javalin keeps it for the handler): a client that sends it slowly
      // holds no place among the requests in flight, or a few slow ones would shed everyone else.
      ctx.bodyAsBytes();
      Optional<Admission.Reason> shed = admission.enter();
      if (shed.isPresent()) {
        // No log line: under overload there is one per request, and /metrics counts them.
        ctx.status(503)
            .header("Retry-After", admission.retryAfter())
            .json(Map.of("error", "the gateway is busy, retry later"));
        return;
      }
      try {
        handler.handle(ctx);
      } finally {
        admission.leave();
      }
    };
  }

  private static Handler webhook(ChannelHost channels, MountedRoute mounted) {
    return ctx -> {
      if (!channels.acceptsInput(mounted.channelType())) {
        ctx.status(503).header("Retry-After", "5").json(Map.of("error", "channel " + mounted.channelType() + " is not running"));
        return;
      }
      WebhookRequest request = request(ctx);
      WebhookResponse response;
      try {
        response = mounted.route().handler().handle(request);
      } catch (StoreUnavailableException e) {
        response = WebhookResponse.json(503, "{\"error\":\"storage unavailable, retry later\"}")
            .withHeader("Retry-After", "5");
      }
      ctx.status(response.status());
      response.headers().forEach(ctx::header);
      if (response.contentType() != null) {
        ctx.contentType(response.contentType());
      }
      ctx.result(response.body());
    };
  }

  private static WebhookRequest request(Context ctx) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(ctx.req().getHeaderNames())) {
      headers.put(name, Collections.list(ctx.req().getHeaders(name)));
    }
    byte[] body = ctx.bodyAsBytes();
    return new WebhookRequest(
        ctx.method().name(),
        ctx.path(),
        ctx.pathParamMap(),
        ctx.queryParamMap(),
        headers,
        body,
        ctx.ip());
  }

  @Override
  public void close() {
    app.stop();
  }
}
