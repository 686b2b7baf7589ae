package dev.switchboard.plugin.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunksTest {
  @Test
  void short_text_is_one_part() {
    assertEquals(List.of("hello"), TextChunks.split("hello", 100));
  }

  @Test
  void splits_at_paragraphs_then_lines_then_words_and_loses_no_words() {
    String text = "first paragraph here\n\nsecond paragraph is a bit longer\nwith a second line";
    List<String> parts = TextChunks.split(text, 40);
    assertEquals("first paragraph here", parts.get(0));
    parts.forEach(p -> assertTrue(p.length() <= 40, p));
    assertEquals(text.replaceAll("\\s+", " "), String.join(" ", parts).replaceAll("\\s+", " "));
  }

  @Test
  void a_word_longer_than_the_limit_is_cut_anywhere() {
    List<String> parts = TextChunks.split("x".repeat(50), 20);
    assertEquals(3, parts.size());
    assertEquals("x".repeat(50), String.join("", parts));
  }

  @Test
  void a_code_block_split_across_parts_is_closed_and_reopened_with_its_language() {
    StringBuilder code = new StringBuilder("Here:\n```java\n");
    for (int i = 0; i < 20; i++) {
      code.append("int v").append(i).append(" = ").append(i).append(";\n");
    }
    code.append("```\nDone.");
    List<String> parts = TextChunks.split(code.toString(), 120);
    assertTrue(parts.size() > 1);
    for (String part : parts) {
      assertTrue(part.length() <= 120, part);
      long fences = part.lines().filter(l -> l.strip().startsWith("```")).count();
      assertEquals(0, fences % 2, "every part closes the blocks it opens: " + part);
    }
    assertTrue(parts.get(1).startsWith("```java\n"), parts.get(1));
    assertTrue(parts.get(parts.size() - 1).endsWith("Done."));
  }

  @Test
  void a_surrogate_pair_is_never_cut_in_half() {
    String text = "a".repeat(19) + "😀" + "b".repeat(10);
    for (String part : TextChunks.split(text, 20)) {
      assertTrue(part.isEmpty() || !Character.isHighSurrogate(part.charAt(part.length() - 1)), part);
    }
  }

  @Test
  void refuses_a_limit_too_small_for_fences() {
    assertThrows(IllegalArgumentException.class, () -> TextChunks.split("x", 5));
  }
}
