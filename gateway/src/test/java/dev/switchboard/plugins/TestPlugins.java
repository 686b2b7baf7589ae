package dev.switchboard.plugins;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ChannelFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.pf4j.Extension;

/**
 * Builds plugin jars while the tests run: compiles Java sources with the JDK's compiler against the
 * plugin API and PF4J, and packs the classes (a plugin's own and its libraries') into a jar with a
 * PF4J manifest and an extension index, as the plugin parent POM would.
 */
final class TestPlugins {
  private TestPlugins() {}

  /**
   * A channel plugin's source: a factory of channel type {@code type} in package {@code pkg}, whose
   * channel runs {@code startBody} (Java statements; {@code settings} and {@code context} are in
   * scope) when started.
   */
  static String channelSource(String pkg, String type, String startBody) {
    return """
        package %s;

        import dev.switchboard.plugin.api.*;
        import org.pf4j.Extension;

        @Extension
        public final class Factory implements ChannelFactory {
          public String channelType() {
            return "%s";
          }

          public Channel create(Settings settings, ChannelContext context) {
            return new Channel() {
              public void start() throws Exception {
                %s
              }

              public DeliveryResult deliver(OutboundMessage message) {
                return new DeliveryResult.Delivered(null);
              }

              public void close() {}
            };
          }
        }
        """
        .formatted(pkg, type, startBody);
  }

  /** Compiles {@code sources} (class name to source) into a new folder under {@code work}. */
  static Path compile(Path work, Map<String, String> sources, List<Path> classpath)
      throws IOException {
    Path out = Files.createTempDirectory(work, "classes-");
    List<String> path = new ArrayList<>();
    path.add(location(ChannelFactory.class));
    path.add(location(Extension.class));
    classpath.forEach(p -> path.add(p.toString()));
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, source) -> units.add(new Source(name, source)));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, UTF_8)) {
      List<String> options =
          List.of("-proc:none", "--release", "21", "-d", out.toString(), "-cp",
              String.join(java.io.File.pathSeparator, path));
      boolean ok = compiler.getTask(errors, files, null, options, null, units).call();
      assertTrue(ok, "test plugin sources compile:\n" + errors);
    }
    return out;
  }

  /**
   * Writes a plugin jar: a manifest with {@code id}, version 1.0.0 and {@code requires}, an
   * extension index listing {@code extensions}, and every file under {@code classFolders}.
   */
  static Path jar(
      Path file, String id, String requires, List<String> extensions, List<Path> classFolders)
      throws IOException {
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.putValue("Plugin-Id", id);
    attributes.putValue("Plugin-Version", "1.0.0");
    attributes.putValue("Plugin-Requires", requires);
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.putNextEntry(new JarEntry("META-INF/extensions.idx"));
      jar.write((String.join("\n", extensions) + "\n").getBytes(UTF_8));
      jar.closeEntry();
      for (Path folder : classFolders) {
        try (Stream<Path> walk = Files.walk(folder)) {
          for (Path path : walk.filter(Files::isRegularFile).sorted().toList()) {
            jar.putNextEntry(new JarEntry(folder.relativize(path).toString().replace('\\', '/')));
            jar.write(Files.readAllBytes(path));
            jar.closeEntry();
          }
        }
      }
    }
    return file;
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(
          java.net.URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension),
          Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
