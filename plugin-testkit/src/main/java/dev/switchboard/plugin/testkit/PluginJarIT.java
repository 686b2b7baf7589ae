package dev.switchboard.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link PluginJarCheck} on the jar a plugin's build just packaged. The plugin parent POM runs
 * it with Maven Failsafe at the end of the {@code package} phase, after the jar is made, passing the
 * jar's path as the system property {@code switchboard.plugin.jar}; a plugin writes no code for it.
 */
public class PluginJarIT {
  static final String JAR_PROPERTY = "switchboard.plugin.jar";
  static final String PACKAGING_PROPERTY = "switchboard.plugin.packaging";

  @Test
  void the_plugin_jar_has_a_pf4j_manifest_and_bundles_none_of_the_gateway_classes()
      throws Exception {
    assumeFalse(
        "pom".equals(System.getProperty(PACKAGING_PROPERTY)),
        "a module with pom packaging (a parent) makes no plugin jar");
    String jar = System.getProperty(JAR_PROPERTY);
    assertNotNull(jar, "set the system property " + JAR_PROPERTY + " to the plugin jar's path");

    PluginJarCheck.assertPluginJar(Path.of(jar));
  }
}
