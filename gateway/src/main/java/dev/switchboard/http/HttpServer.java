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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: channel webhooks under {@code /webhooks/<channel>/…}, {@code /health},
 * {@code /ready} and {@code /metrics}. Handlers run on virtual threads, so a channel's long poll
 * blocks nothing else. Bodies over the configured size are refused before a channel sees them.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofMinutes(5);

  private final Javalin app;

  /** What {@code /ready} reports: whether the gateway is ready, and the details as JSON. */
  public record Readiness(boolean ready, String json) {}

  public HttpServer(
      String host,
      int port,
      long maxBodyBytes,
      ChannelHost channels,
      List<MountedRoute> routes,
      Supplier<Readiness> readiness,
      Supplier<String> metrics) {
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
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
                config.routes.addEndpoint(
                    io.javalin.router.Endpoint.create(method(mounted.route().method()), path)
                        .handler(webhook(channels, mounted)));
              }
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                    ctx.status(500).json(Map.of("error", "internal error"));
                  });
            });
    app.start(host, port);
    // Jetty closes a connection after 30 s without traffic, which would cut long polls short;
    // channels may hold a request open for minutes. Applies to every connection accepted from now.
    for (var connector : app.jettyServer().server().getConnectors()) {
      if (connector instanceof org.eclipse.jetty.server.AbstractConnector c) {
        c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
      }
    }
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
