package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.config.GatewayConfig.ChannelSection;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.PluginApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin host's rules, on plugin jars built while the test runs and loaded through PF4J. */
class PluginHostTest {
  private static final String ACCEPTED = ">=1.0.0 & <2.0.0";

  @TempDir Path dir;

  @Test
  void a_plugin_built_for_another_api_version_is_refused_naming_both_versions() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    plugin(plugins, "current", ACCEPTED, "");
    plugin(plugins, "future", ">=2.0.0 & <3.0.0", "");

    try (PluginHost host = new PluginHost(plugins)) {
      host.load();

      Map<String, PluginStatus> statuses = byId(host.statuses());
      assertEquals(
          "needs plugin API >=2.0.0 & <3.0.0, but this gateway provides "
              + PluginApi.VERSION
              + "; install a version of the plugin built for plugin API "
              + PluginApi.VERSION,
          statuses.get("future").problem());
      assertNull(statuses.get("current").problem());
      List<String> types =
          host.channelFactories().stream().map(ChannelFactory::channelType).toList();
      assertEquals(List.of("current"), types);
    }
  }

  @Test
  void plugins_that_bundle_different_versions_of_one_library_each_use_their_own()
      throws IOException {
    Path library1 = library("1.0", "");
    Path library2 =
        library(
            "2.0",
            "public static String shout(String text) { return text.toUpperCase() + \"!\"; }");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    reporter(plugins, "one", library1, "\"one sees \" + example.greeting.Greeting.version()");
    reporter(
        plugins,
        "two",
        library2,
        "example.greeting.Greeting.shout(\"two sees \") + example.greeting.Greeting.version()");
    Map<String, String> seen = new ConcurrentHashMap<>();

    try (PluginHost host = new PluginHost(plugins);
        ChannelHost channels = channelHost(List.of("one", "two"), seen)) {
      host.load();
      channels.create(host.channelFactories());
      channels.startAll();

      assertEquals(Map.of("one", "one sees 1.0", "two", "TWO SEES !2.0"), seen);
    }
  }

  @Test
  void a_channel_whose_start_throws_is_failed_and_the_other_channels_run() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    plugin(
        plugins,
        "broken",
        ACCEPTED,
        "throw new IllegalStateException(\"the platform refused the bot\");");
    plugin(plugins, "sound", ACCEPTED, "");

    try (PluginHost host = new PluginHost(plugins);
        ChannelHost channels = channelHost(List.of("broken", "sound"), new ConcurrentHashMap<>())) {
      host.load();
      channels.create(host.channelFactories());
      channels.startAll();

      Map<String, ChannelStatus> statuses = new TreeMap<>();
      channels.statuses().forEach(s -> statuses.put(s.channelType(), s));
      assertEquals("failed", statuses.get("broken").state());
      assertEquals(
          "failed to start (java.lang.IllegalStateException: the platform refused the bot); trying again in 5 s",
          statuses.get("broken").problem());
      assertEquals("running", statuses.get("sound").state());
      assertEquals(true, channels.running("sound").isPresent());
    }
  }

  /** A channel plugin whose channel runs {@code startBody} when started. */
  private Path plugin(Path plugins, String id, String requires, String startBody)
      throws IOException {
    String factory = "test." + id + ".Factory";
    String source = TestPlugins.channelSource("test." + id, id, startBody);
    Path classes = TestPlugins.compile(dir, Map.of(factory, source), List.of());
    return TestPlugins.jar(
        plugins.resolve(id + ".jar"), id, requires, List.of(factory), List.of(classes));
  }

  /**
   * A channel plugin with a copy of a library inside, whose channel submits one event when started:
   * its text is {@code report}, a Java expression over the library.
   */
  private void reporter(Path plugins, String id, Path library, String report) throws IOException {
    String start =
        "context.submit(InboundEvent.builder(\"versions\","
            + " new InboundEvent.Sender(\"plugin\", null), "
            + report
            + ").messageId(\""
            + id
            + "\").build());";
    Path classes =
        TestPlugins.compile(
            dir,
            Map.of("test." + id + ".Factory", TestPlugins.channelSource("test." + id, id, start)),
            List.of(library));
    TestPlugins.jar(
        plugins.resolve(id + ".jar"),
        id,
        ACCEPTED,
        List.of("test." + id + ".Factory"),
        List.of(classes, library));
  }

  /** One version of a tiny library, {@code example.greeting.Greeting}, compiled to a folder. */
  private Path library(String version, String extraMethod) throws IOException {
    String source =
        """
        package example.greeting;

        public final class Greeting {
          public static String version() {
            return "%s";
          }

          %s
        }
        """
            .formatted(version, extraMethod);
    return TestPlugins.compile(dir, Map.of("example.greeting.Greeting", source), List.of());
  }

  /** A channel host with these channels configured, recording each event's text by message id. */
  private ChannelHost channelHost(List<String> types, Map<String, String> seen) {
    Map<String, ChannelSection> sections = new TreeMap<>();
    types.forEach(type -> sections.put(type, new ChannelSection(true, Map.of())));
    return new ChannelHost(
        sections,
        Map.of(),
        dir.resolve("data"),
        (type, event) -> record(seen, event));
  }

  private static InboundOutcome record(Map<String, String> seen, InboundEvent event) {
    seen.put(event.messageId(), event.text());
    return new InboundOutcome.Stored(event.messageId(), List.of());
  }

  private static Map<String, PluginStatus> byId(List<PluginStatus> statuses) {
    Map<String, PluginStatus> result = new TreeMap<>();
    statuses.forEach(s -> result.put(s.id(), s));
    return result;
  }
}
