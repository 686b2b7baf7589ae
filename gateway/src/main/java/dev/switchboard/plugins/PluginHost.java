package dev.switchboard.plugins;

import dev.switchboard.plugin.api.AgentProviderFactory;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.PluginApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginRepository;
import org.pf4j.PluginRepository;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars from the plugins folder through PF4J. Only {@code *.jar} files directly in the
 * folder count (the source folders of the bundled plugins live beside their jars). The plugin API
 * version is PF4J's system version, so a jar whose {@code Plugin-Requires} it does not satisfy is
 * refused. A plugin that fails to load, start or instantiate is reported; the others go on.
 */
public final class PluginHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final Path pluginsDir;
  private final DefaultPluginManager manager;
  private final Map<String, PluginStatus> statuses = new TreeMap<>();

  public PluginHost(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
    this.manager =
        new DefaultPluginManager(pluginsDir) {
          @Override
          protected PluginRepository createPluginRepository() {
            return new JarPluginRepository(getPluginsRoots());
          }
        };
    manager.setSystemVersion(PluginApi.VERSION);
  }

  public void load() {
    if (!Files.isDirectory(pluginsDir)) {
      LOG.warn("plugins folder {} does not exist; no plugins loaded", pluginsDir.toAbsolutePath());
      return;
    }
    manager.loadPlugins();
    manager.startPlugins();
    for (PluginWrapper plugin : manager.getPlugins()) {
      PluginStatus status = status(plugin);
      statuses.put(plugin.getPluginId(), status);
      if (status.ok()) {
        LOG.info("plugin {} {} loaded from {}", status.id(), status.version(), plugin.getPluginPath().getFileName());
      } else {
        LOG.error("plugin {} from {} failed: {}", status.id(), plugin.getPluginPath().getFileName(), status.problem());
      }
    }
  }

  private PluginStatus status(PluginWrapper plugin) {
    String id = plugin.getPluginId();
    String version = plugin.getDescriptor().getVersion();
    String requires = plugin.getDescriptor().getRequires();
    String state = plugin.getPluginState().toString();
    if (plugin.getPluginState().isStarted()) {
      return new PluginStatus(id, version, state, null);
    }
    if (requires != null
        && !requires.isBlank()
        && !manager.getVersionManager().checkVersionConstraint(PluginApi.VERSION, requires)) {
      return new PluginStatus(
          id,
          version,
          state,
          "needs plugin API " + requires + ", but this gateway provides " + PluginApi.VERSION
              + "; install a version of the plugin built for plugin API " + PluginApi.VERSION);
    }
    Throwable failure = plugin.getFailedException();
    return new PluginStatus(
        id, version, state, failure == null ? "not started (" + state + ")" : failure.toString());
  }

  /** Channel factories of every started plugin; a plugin whose extensions fail is reported. */
  public List<ChannelFactory> channelFactories() {
    return extensions(ChannelFactory.class);
  }

  public List<AgentProviderFactory> agentProviderFactories() {
    return extensions(AgentProviderFactory.class);
  }

  private <T> List<T> extensions(Class<T> type) {
    List<T> result = new ArrayList<>();
    for (PluginWrapper plugin : manager.getStartedPlugins()) {
      try {
        result.addAll(manager.getExtensions(type, plugin.getPluginId()));
      } catch (RuntimeException | LinkageError e) {
        LOG.error("plugin {}: cannot create its {}: {}", plugin.getPluginId(), type.getSimpleName(), e.toString());
        statuses.put(
            plugin.getPluginId(),
            new PluginStatus(plugin.getPluginId(), plugin.getDescriptor().getVersion(), "FAILED",
                "cannot create " + type.getSimpleName() + ": " + e));
      }
    }
    return result;
  }

  public List<PluginStatus> statuses() {
    return List.copyOf(statuses.values());
  }

  @Override
  public void close() {
    // stopPlugins() of this PF4J version modifies the list it iterates; stop one by one instead.
    for (PluginWrapper plugin : new ArrayList<>(manager.getStartedPlugins())) {
      try {
        manager.stopPlugin(plugin.getPluginId());
      } catch (RuntimeException e) {
        LOG.warn("stopping plugin {}: {}", plugin.getPluginId(), e.toString());
      }
    }
    manager.unloadPlugins();
  }
}
