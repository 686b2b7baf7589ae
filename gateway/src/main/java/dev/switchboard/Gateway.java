package dev.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.Administration;
import dev.switchboard.agents.AgentSettings;
import dev.switchboard.agents.EchoProvider;
import dev.switchboard.agents.FailedMessage;
import dev.switchboard.agents.Supervisor;
import dev.switchboard.config.GatewayConfig;
import dev.switchboard.delivery.DeliveryPolicy;
import dev.switchboard.delivery.DeliveryScheduler;
import dev.switchboard.delivery.DeliveryStats;
import dev.switchboard.delivery.OutboundIngest;
import dev.switchboard.http.Admission;
import dev.switchboard.http.HttpServer;
import dev.switchboard.plugin.api.AgentProvider;
import dev.switchboard.plugin.api.AgentProviderFactory;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.RateLimit;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugins.ChannelHost;
import dev.switchboard.plugins.ChannelStatus;
import dev.switchboard.plugins.InboundStats;
import dev.switchboard.plugins.PluginHost;
import dev.switchboard.plugins.PluginStatus;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RoutingSettings;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.SessionFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: every part, wired with {@code new}. The parts never call each other directly
 * except through the hints wired here (a session has new inbound; a session's outbound changed;
 * deliveries are due); the tables are the interface between them.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final PluginHost plugins;
  private final Map<String, AgentProvider> providers = new LinkedHashMap<>();
  private final ChannelHost channels;
  private final DeliveryScheduler scheduler;
  private final Supervisor supervisor;
  private final Router router;
  private final Admission admission;
  private final HttpServer http;
  // Closes questions nobody answered in time; light, so a few times an hour is plenty.
  private final ScheduledExecutorService housekeeping =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("housekeeping").unstarted(r));
  private static final Duration HOUSEKEEPING_EVERY = Duration.ofMinutes(10);

  private Gateway(GatewayConfig config, Clock clock) {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data folder " + config.dataDir(), e);
    }
    central = CentralDb.open(config.dataDir().resolve("switchboard.db"));
    new Administration(central, clock).apply(config);
    files = new SessionFiles(config.dataDir());

    plugins = new PluginHost(config.pluginsDir());
    plugins.load();
    providers.put(EchoProvider.NAME, new EchoProvider());
    for (AgentProviderFactory factory : plugins.agentProviderFactories()) {
      createProvider(config, factory);
    }

    channels =
        new ChannelHost(
            config.channels(), config.environment(), config.dataDir(),
            (type, event) -> counted(router().route(type, event)),
            (type, answer) -> counted(router().answer(type, answer)),
            (type, event) -> counted(router().event(type, event)));
    GatewayConfig.DeliverySettings d = config.delivery();
    Map<String, RateLimit> rates = new LinkedHashMap<>();
    d.rateLimits().forEach((type, r) -> rates.put(type, new RateLimit(r.burst(), r.interval())));
    scheduler =
        new DeliveryScheduler(
            central, files, channels,
            new DeliveryPolicy(d.maxAttempts(), d.initialBackoff(), d.maxBackoff(), rates,
                config.conversations().maxOutboundFileBytes(), config.timezone()),
            clock, id -> supervisor().wake(id));
    OutboundIngest ingest = new OutboundIngest(central, files, clock, scheduler::signal);
    GatewayConfig.Agents a = config.agents();
    supervisor =
        new Supervisor(
            central, files, providers,
            new AgentSettings(a.maxRunning(), a.idleTimeout(), a.heartbeatTimeout(), a.stopGrace(),
                a.maxTries(), config.timezone(), a.retryBackoff()),
            clock, d.pollInterval(), ingest::ingest, this::tellSender);
    GatewayConfig.Conversations conversations = config.conversations();
    router =
        new Router(
            central, files, clock, supervisor::wake,
            new RoutingSettings(
                java.util.Set.copyOf(conversations.adminOnlyCommands()), conversations.questionExpiry(),
                conversations.maxInboundFileBytes()),
            reply -> channels.sendDirect(
                reply.channelType(), reply.platformId(), reply.threadId(), reply.replyToMessageId(), reply.text()));

    channels.create(plugins.channelFactories());
    channels.showTyping(
        sessionId -> central.read(c -> dev.switchboard.store.SessionWork.hasWork(c, sessionId)));
    admission = new Admission(config.http().admission(), this::backlog);
    http =
        new HttpServer(
            config.http().host(), config.http().port(), config.http().maxBodyBytes(), channels,
            channels.routes(), this::readiness, this::metrics, admission);
    supervisor.start();
    channels.startAll();
    // After the channels: a delivery tried before its channel runs would spend one of its
    // attempts at every start, and a few restarts in a row would fail replies for good.
    scheduler.start();
    housekeeping.scheduleWithFixedDelay(
        this::expireQuestions, 0, HOUSEKEEPING_EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  private void expireQuestions() {
    try {
      router.expireQuestions();
    } catch (RuntimeException e) {
      LOG.warn("closing expired questions failed (tried again in {} min): {}",
          HOUSEKEEPING_EVERY.toMinutes(), e.toString());
    }
  }

  /** Starts a gateway; returns once it serves HTTP and its channels have started (or failed). */
  public static Gateway start(GatewayConfig config, Clock clock) {
    return new Gateway(config, clock);
  }

  /**
   * A message its agent failed on {@code maxTries} times is answered in its chat by the gateway
   * itself, so that its sender does not wait for a reply that will never come.
   */
  private void tellSender(FailedMessage failed) {
    if (!failed.fromChat()) {
      return;
    }
    // An inbound id is the platform's message id, qualified with the chat when ids collided.
    String prefix = failed.channelType() + ":" + failed.platformId() + ":";
    String replyTo =
        failed.messageId().startsWith(prefix) ? failed.messageId().substring(prefix.length()) : failed.messageId();
    channels.sendDirect(failed.channelType(), failed.platformId(), failed.threadId(), replyTo, failed.notice());
  }

  /**
   * Messages stored and not yet answered: rows the agents have yet to finish, plus replies due and
   * not yet delivered. What the admission of inbound requests is bounded by.
   */
  private long backlog() {
    return supervisor.unfinished() + scheduler.due();
  }

  /**
   * Counts a stored message as unfinished work of its sessions. After the router returned, so after
   * its rows were committed, which is what {@link Supervisor#stored} needs to count each once.
   */
  private InboundOutcome counted(InboundOutcome outcome) {
    if (outcome instanceof InboundOutcome.Stored stored) {
      stored.sessionIds().forEach(sessionId -> supervisor.stored(sessionId, stored.messageId()));
    }
    return outcome;
  }

  private Router router() {
    return router;
  }

  private Supervisor supervisor() {
    return supervisor;
  }

  public int port() {
    return http.port();
  }

  private void createProvider(GatewayConfig config, AgentProviderFactory factory) {
    String name = factory.name();
    Map<String, String> section = config.agents().providers().getOrDefault(name, Map.of());
    try {
      providers.put(
          name, factory.create(new Settings("agents.providers." + name, section, config.environment())));
      LOG.info("agent provider {} ready", name);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("agent provider {} could not be created: {}", name, e.getMessage());
    }
  }

  private HttpServer.Readiness readiness() {
    ObjectNode root = JSON.createObjectNode();
    boolean ready = true;
    ObjectNode channelNodes = root.putObject("channels");
    for (ChannelStatus status : channels.statuses()) {
      ObjectNode node = channelNodes.putObject(status.channelType());
      node.put("state", status.state());
      if (status.problem() != null) {
        node.put("problem", status.problem());
      }
      ready &= status.running();
    }
    ObjectNode pluginNodes = root.putObject("plugins");
    for (PluginStatus status : plugins.statuses()) {
      ObjectNode node = pluginNodes.putObject(status.id());
      node.put("version", status.version());
      node.put("state", status.state());
      if (status.problem() != null) {
        node.put("problem", status.problem());
      }
      ready &= status.ok();
    }
    ObjectNode agents = root.putObject("agents");
    agents.put("running", supervisor.runningSessions().size());
    agents.put("queued", supervisor.queued());
    agents.putArray("providers").addAll(providers.keySet().stream().map(JSON.getNodeFactory()::textNode).toList());
    root.put("ready", ready);
    return new HttpServer.Readiness(ready, root.toString());
  }

  private String metrics() {
    InboundStats in = channels.stats();
    DeliveryStats out = scheduler.stats();
    StringBuilder text = new StringBuilder();
    text.append("# HELP switchboard_inbound_total Inbound messages by outcome.\n");
    text.append("# TYPE switchboard_inbound_total counter\n");
    counter(text, "switchboard_inbound_total", "outcome", "stored", in.stored());
    counter(text, "switchboard_inbound_total", "outcome", "duplicate", in.duplicates());
    counter(text, "switchboard_inbound_total", "outcome", "dropped", in.dropped());
    counter(text, "switchboard_inbound_total", "outcome", "rejected", in.rejectedCount());
    text.append("# HELP switchboard_inbound_shed_total Inbound requests answered 503 at once, by the bound they met.\n");
    text.append("# TYPE switchboard_inbound_shed_total counter\n");
    for (Admission.Reason reason : Admission.Reason.values()) {
      counter(text, "switchboard_inbound_shed_total", "reason", reason.label, admission.shed(reason));
    }
    text.append("# HELP switchboard_inbound_in_flight Inbound requests being handled now.\n");
    text.append("# TYPE switchboard_inbound_in_flight gauge\n");
    text.append("switchboard_inbound_in_flight ").append(admission.inFlight()).append('\n');
    text.append("# HELP switchboard_backlog Messages stored and not yet answered, by where they wait.\n");
    text.append("# TYPE switchboard_backlog gauge\n");
    text.append("switchboard_backlog{part=\"agents\"} ").append(supervisor.unfinished()).append('\n');
    text.append("switchboard_backlog{part=\"deliveries\"} ").append(scheduler.due()).append('\n');
    text.append("# HELP switchboard_delivery_attempts_total Delivery attempts by outcome.\n");
    text.append("# TYPE switchboard_delivery_attempts_total counter\n");
    counter(text, "switchboard_delivery_attempts_total", "outcome", "delivered", out.deliveredCount());
    counter(text, "switchboard_delivery_attempts_total", "outcome", "failed", out.failedCount());
    counter(text, "switchboard_delivery_attempts_total", "outcome", "retried", out.retriedCount());
    counter(text, "switchboard_delivery_attempts_total", "outcome", "rate_limited", out.rateLimitedCount());
    text.append("# HELP switchboard_agents_running Agents running now.\n");
    text.append("# TYPE switchboard_agents_running gauge\n");
    text.append("switchboard_agents_running ").append(supervisor.runningSessions().size()).append('\n');
    text.append("# HELP switchboard_agents_queued Sessions waiting for an agent slot.\n");
    text.append("# TYPE switchboard_agents_queued gauge\n");
    text.append("switchboard_agents_queued ").append(supervisor.queued()).append('\n');
    text.append("# HELP switchboard_channel_up Whether a channel is running (1) or not (0).\n");
    text.append("# TYPE switchboard_channel_up gauge\n");
    for (ChannelStatus status : channels.statuses()) {
      text.append("switchboard_channel_up{channel=\"").append(status.channelType()).append("\"} ")
          .append(status.running() ? 1 : 0).append('\n');
    }
    return text.toString();
  }

  private static void counter(StringBuilder text, String name, String label, String value, long count) {
    text.append(name).append('{').append(label).append("=\"").append(value).append("\"} ").append(count).append('\n');
  }

  /**
   * Stops in an order that loses nothing: channels stop taking input, HTTP stops, deliveries in
   * flight finish, channels close, agents stop, then plugins and the database close. What was not
   * finished stays pending in the tables and goes on at the next start.
   */
  @Override
  public void close() {
    housekeeping.shutdownNow();
    channels.stopInput();
    http.close();
    scheduler.close();
    channels.close();
    supervisor.close();
    providers.values().forEach(p -> {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("closing an agent provider: {}", e.toString());
      }
    });
    plugins.close();
    files.close();
    central.close();
  }
}
