package dev.switchboard.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/writing-a-plugin.md shows the example plugin's real files: each code block after a {@code
 * <!-- file: path -->} line is that file, word for word, and every source file of the example's
 * main code is shown. The guide cannot drift from code that compiles and passes its tests.
 */
class WritingAPluginDocTest {
  private static final Path ROOT = GatewayRun.ROOT;
  private static final Path DOC = ROOT.resolve("docs/writing-a-plugin.md");
  private static final Path EXAMPLE = ROOT.resolve("examples/plugins/linechat");
  private static final Pattern FILE_BLOCK =
      Pattern.compile("<!-- file: (\\S+) -->\n```\\w*\n(.*?)\n```\n", Pattern.DOTALL);
  private static final Pattern RELATIVE_LINK = Pattern.compile("\\]\\((\\.\\./[^)#]+)\\)");

  @Test
  void every_file_shown_in_the_guide_is_the_file_itself() throws IOException {
    Map<String, String> shown = shownFiles();

    assertTrue(shown.size() > 0, "the guide shows files");
    shown.forEach(
        (path, block) -> {
          Path file = ROOT.resolve(path);
          assertTrue(Files.isRegularFile(file), "the guide shows " + path + ", which is missing");
          assertEquals(
              read(file),
              block + "\n",
              "the guide's copy of " + path + " differs from the file; copy the file in again");
        });
  }

  @Test
  void the_guide_shows_the_whole_example_channel() throws IOException {
    List<String> expected = new ArrayList<>();
    expected.add(ROOT.relativize(EXAMPLE.resolve("pom.xml")).toString());
    try (Stream<Path> sources = Files.walk(EXAMPLE.resolve("src/main"))) {
      sources
          .filter(Files::isRegularFile)
          .map(p -> ROOT.relativize(p).toString())
          .forEach(expected::add);
    }

    Map<String, String> shown = shownFiles();
    List<String> missing = expected.stream().filter(p -> !shown.containsKey(p)).toList();

    assertEquals(List.of(), missing, "files of the example the guide does not show");
  }

  @Test
  void every_relative_link_in_the_guide_leads_to_a_file() throws IOException {
    Matcher links = RELATIVE_LINK.matcher(read(DOC));
    List<String> broken = new ArrayList<>();
    while (links.find()) {
      if (!Files.exists(DOC.getParent().resolve(links.group(1)).normalize())) {
        broken.add(links.group(1));
      }
    }

    assertEquals(List.of(), broken);
  }

  private static Map<String, String> shownFiles() {
    Map<String, String> shown = new TreeMap<>();
    Matcher blocks = FILE_BLOCK.matcher(read(DOC));
    while (blocks.find()) {
      shown.put(blocks.group(1), blocks.group(2));
    }
    return shown;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }
}
