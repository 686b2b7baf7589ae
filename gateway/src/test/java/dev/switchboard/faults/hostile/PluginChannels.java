package dev.switchboard.faults.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.switchboard.GatewayProcess;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.api.WebhookRequest;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.api.WebhookRoute;
import dev.switchboard.plugins.PluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real channel plugins, loaded from the built jars through PF4J in this JVM, with a context
 * that stores nothing and keeps what the channel submitted. Their webhook routes are called
 * directly, as the gateway's HTTP server would, which is fast enough to fuzz.
 */
final class PluginChannels implements AutoCloseable {
  private final PluginHost host;
  private final Path folder;
  private final List<Channel> made = new ArrayList<>();

  PluginChannels(Path folder) throws IOException {
    this.folder = folder;
    Path jars = GatewayProcess.copyPlugins(folder.resolve("plugins"));
    host = new PluginHost(jars);
    host.load();
  }

  /** A context that accepts every event as stored, and keeps what it was given. */
  static final class RecordingContext implements ChannelContext {
    final List<InboundEvent> events = new CopyOnWriteArrayList<>();
    final List<QuestionAnswer> answers = new CopyOnWriteArrayList<>();
    private final Path dataDir;

    RecordingContext(Path dataDir) {
      this.dataDir = dataDir;
    }

    @Override
    public InboundOutcome submit(InboundEvent event) {
      events.add(event);
      String id = event.messageId() == null ? "msg-" + events.size() : event.messageId();
      return new InboundOutcome.Stored(id, List.of("sess-1"));
    }

    @Override
    public InboundOutcome submitAnswer(QuestionAnswer answer) {
      answers.add(answer);
      return new InboundOutcome.Dropped("answer-" + answers.size(), "no such question");
    }

    @Override
    public Path dataDir() {
      return dataDir;
    }
  }

  /** A channel of {@code type} made by its plugin's factory with these settings (not started). */
  Channel create(String type, Map<String, String> settings, RecordingContext context) {
    for (ChannelFactory factory : host.channelFactories()) {
      if (factory.channelType().equals(type)) {
        Channel channel = factory.create(new Settings("channels." + type, settings, Map.of()), context);
        made.add(channel);
        return channel;
      }
    }
    throw new IllegalStateException("no plugin provides channel type " + type);
  }

  RecordingContext context(String name) throws IOException {
    return new RecordingContext(Files.createDirectories(folder.resolve("channels").resolve(name)));
  }

  static WebhookRoute route(Channel channel, String path) {
    return channel.webhookRoutes().stream()
        .filter(r -> r.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no route " + path + " in " + channel.webhookRoutes()));
  }

  /** A POST as the HTTP server would hand it to a route. */
  static WebhookRequest post(String path, Map<String, String> headers, byte[] body) {
    Map<String, List<String>> all = new TreeMap<>();
    headers.forEach((name, value) -> all.put(name, List.of(value)));
    return new WebhookRequest("POST", path, Map.of(), Map.of(), all, body, "127.0.0.1");
  }

  static String text(WebhookResponse response) {
    return response.status() + " " + new String(response.body(), UTF_8);
  }

  @Override
  public void close() {
    for (Channel channel : made) {
      try {
        channel.close();
      } catch (RuntimeException e) {
        // Closing is best effort here; the test has its answer already.
      }
    }
    host.close();
  }
}
