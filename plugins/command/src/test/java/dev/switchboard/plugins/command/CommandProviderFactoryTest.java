package dev.switchboard.plugins.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.ConfigException;
import dev.switchboard.plugin.api.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandProviderFactoryTest {

  @Test
  void the_provider_is_named_command() {
    assertEquals("command", new CommandProviderFactory().name());
  }

  // Test classes get an index of their own (without extensions), so every index is read.
  @Test
  void the_extension_index_names_the_factory_so_pf4j_finds_it() throws IOException {
    List<String> lines = new ArrayList<>();
    Enumeration<URL> indexes =
        CommandProviderFactory.class.getClassLoader().getResources("META-INF/extensions.idx");
    for (URL index : Collections.list(indexes)) {
      try (InputStream in = index.openStream()) {
        new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().forEach(lines::add);
      }
    }

    assertTrue(lines.contains(CommandProviderFactory.class.getName()), lines.toString());
  }

  @Test
  void creates_a_provider_from_valid_settings() {
    var provider =
        new CommandProviderFactory()
            .create(Settings.of("agents.providers.command", Map.of("stopGrace", "5s")));

    assertInstanceOf(CommandProvider.class, provider);
  }

  @Test
  void wrong_settings_stop_the_provider_with_a_config_error() {
    assertThrows(
        ConfigException.class,
        () ->
            new CommandProviderFactory()
                .create(Settings.of("agents.providers.command", Map.of("stopGrace", "soon"))));
  }
}
