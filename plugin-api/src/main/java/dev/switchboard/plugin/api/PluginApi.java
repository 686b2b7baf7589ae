package dev.switchboard.plugin.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts about this version of the plugin API. */
public final class PluginApi {
  /**
   * The version of this API, which the gateway sets as PF4J's system version. A plugin declares
   * {@code Plugin-Requires: >=1.0.0 & <2.0.0} (or narrower) against it in its manifest.
   */
  public static final String VERSION = readVersion();

  private PluginApi() {}

  private static String readVersion() {
    try (InputStream in = PluginApi.class.getResourceAsStream("plugin-api.properties")) {
      if (in == null) {
        throw new IllegalStateException("plugin-api.properties is missing from the plugin API jar");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
