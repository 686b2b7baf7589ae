package dev.switchboard.plugin.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Checks that a jar is a plugin the gateway can load: a PF4J manifest ({@code Plugin-Id}, {@code
 * Plugin-Version}, {@code Plugin-Requires}), an extension index ({@code META-INF/extensions.idx},
 * written by PF4J's annotation processor for each {@code @Extension}), and none of the classes the
 * gateway provides: the plugin API, PF4J and SLF4J. PF4J loads a plugin's own classes first, so a
 * bundled copy of the API would make the plugin's {@code ChannelFactory} a different type from the
 * gateway's, and the plugin would be found to have no extensions at all.
 */
public final class PluginJarCheck {
  static final List<String> REQUIRED_ATTRIBUTES =
      List.of("Plugin-Id", "Plugin-Version", "Plugin-Requires");
  static final String EXTENSIONS_INDEX = "META-INF/extensions.idx";
  static final List<String> PROVIDED_PACKAGES =
      List.of("dev/switchboard/plugin/api/", "org/pf4j/", "org/slf4j/");

  private PluginJarCheck() {}

  /** Fails with every problem of the jar at once; returns quietly for a good plugin jar. */
  public static void assertPluginJar(Path jar) throws IOException {
    List<String> problems = problems(jar);
    if (!problems.isEmpty()) {
      String list = String.join("\n  - ", problems);
      throw new AssertionError(jar + " is not a plugin jar the gateway can load:\n  - " + list);
    }
  }

  /** What is wrong with the jar, one sentence per problem; empty when nothing is. */
  public static List<String> problems(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return List.of("there is no file " + jar + "; is the plugin packaged (mvn package)?");
    }
    List<String> problems = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      manifestProblems(file.getManifest(), problems);
      extensionProblems(file, problems);
      TreeSet<String> bundled = new TreeSet<>();
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        PROVIDED_PACKAGES.stream().filter(name::startsWith).forEach(bundled::add);
      }
      for (String prefix : bundled) {
        problems.add(
            "it bundles "
                + prefix
                + "* classes, which the gateway provides; give their dependency provided scope"
                + " (or exclude it from the shaded jar)");
      }
    }
    return problems;
  }

  private static void manifestProblems(Manifest manifest, List<String> problems) {
    if (manifest == null) {
      problems.add("it has no META-INF/MANIFEST.MF");
      return;
    }
    Attributes attributes = manifest.getMainAttributes();
    for (String name : REQUIRED_ATTRIBUTES) {
      String value = attributes.getValue(name);
      if (value == null || value.isBlank()) {
        problems.add("its manifest has no " + name);
      }
    }
  }

  private static void extensionProblems(JarFile file, List<String> problems) throws IOException {
    JarEntry index = file.getJarEntry(EXTENSIONS_INDEX);
    if (index == null) {
      problems.add(
          "it has no "
              + EXTENSIONS_INDEX
              + "; annotate the factory with @Extension and run PF4J's annotation processor");
      return;
    }
    try (InputStream in = file.getInputStream(index)) {
      boolean listsOne =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(String::strip)
              .anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
      if (!listsOne) {
        problems.add(EXTENSIONS_INDEX + " lists no extension");
      }
    }
  }
}
