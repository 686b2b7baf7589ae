package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TelegramFormatTest {

  @ParameterizedTest(name = "{0} is escaped")
  @ValueSource(chars = {'_', '*', '[', ']', '(', ')', '~', '`', '>', '#', '+', '-', '=', '|', '{', '}', '.', '!', '\\'})
  void every_markdown_v2_special_character_is_escaped_in_plain_text(char special) {
    assertEquals("a\\" + special + "b", TelegramFormat.escape("a" + special + "b"));
  }

  @Test
  void characters_that_are_not_special_stay_as_they_are() {
    assertEquals("Hello, world: 100% ok? yes; @ada & co — ünïcödé 👍", TelegramFormat.escape("Hello, world: 100% ok? yes; @ada & co — ünïcödé 👍"));
  }

  static Stream<Arguments> conversions() {
    return Stream.of(
        Arguments.of("plain words", "plain words"),
        Arguments.of("1.5 + 2 = 3.5!", "1\\.5 \\+ 2 \\= 3\\.5\\!"),
        Arguments.of("**bold**", "*bold*"),
        Arguments.of("__bold__", "*bold*"),
        Arguments.of("*italic*", "_italic_"),
        Arguments.of("_italic_", "_italic_"),
        Arguments.of("snake_case_name", "snake\\_case\\_name"),
        Arguments.of("~~gone~~", "~gone~"),
        Arguments.of("`a.b()`", "`a.b()`"),
        Arguments.of("`back\\slash and `", "`back\\\\slash and `"),
        Arguments.of("``a ` b``", "`a \\` b`"),
        Arguments.of("[site](https://example.com/a_(b))", "[site](https://example.com/a_(b\\))"),
        Arguments.of("[the *docs*](https://example.com)", "[the _docs_](https://example.com)"),
        Arguments.of("# Title", "*Title*"),
        Arguments.of("### Step 2.", "*Step 2\\.*"),
        Arguments.of("# **Already bold**", "*Already bold*"),
        Arguments.of("- item one", "• item one"),
        Arguments.of("  * nested", "  • nested"),
        Arguments.of("1. first", "1\\. first"),
        Arguments.of("> quoted.", ">quoted\\."),
        Arguments.of("---", "──────────"),
        Arguments.of("a * b", "a \\* b"),
        Arguments.of("**unclosed", "\\*\\*unclosed"),
        Arguments.of("\\*not italic\\*", "\\*not italic\\*"),
        Arguments.of("**bold with _italic_ inside**", "*bold with _italic_ inside*"),
        Arguments.of("```java\nint x = a*b; // ok.\n```", "```java\nint x = a*b; // ok.\n```"),
        Arguments.of("```\nuse `ticks` and \\\n```", "```\nuse \\`ticks\\` and \\\\\n```"),
        Arguments.of("```\nnever closed.", "```\nnever closed.\n```"),
        Arguments.of("line one.\n\nline two!", "line one\\.\n\nline two\\!"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void markdown_converts_to_markdown_v2(String markdown, String expected) {
    assertEquals(expected, TelegramFormat.toMarkdownV2(markdown));
  }

  @Test
  void plain_text_over_the_limit_is_split_at_line_breaks_into_parts_that_fit() {
    String text = ("A line of some length that repeats.\n").repeat(300);

    List<TelegramFormat.Part> parts = TelegramFormat.parts(text, false);

    assertTrue(parts.size() >= 3, "parts: " + parts.size());
    parts.forEach(p -> assertTrue(p.plain().length() <= 4096));
    parts.forEach(p -> assertEquals(null, p.markdownV2()));
    assertEquals(text.replaceAll("\\s+", ""), String.join("", parts.stream().map(TelegramFormat.Part::plain).toList()).replaceAll("\\s+", ""));
  }

  @Test
  void markdown_whose_escaped_form_is_over_the_limit_is_split_smaller() {
    // Every character needs escaping, so 4000 characters of source become 8000.
    String text = "....!!!!\n".repeat(450);

    List<TelegramFormat.Part> parts = TelegramFormat.parts(text, true);

    assertTrue(parts.size() >= 2, "parts: " + parts.size());
    parts.forEach(p -> assertTrue(p.markdownV2().length() <= 4096, "a part of " + p.markdownV2().length()));
    parts.forEach(p -> assertEquals(TelegramFormat.toMarkdownV2(p.plain()), p.markdownV2()));
  }

  @Test
  void a_code_block_split_across_parts_is_closed_and_reopened_in_each() {
    String text = "Intro.\n```python\n" + "print('x')\n".repeat(800) + "```\nDone.";

    List<TelegramFormat.Part> parts = TelegramFormat.parts(text, true);

    assertTrue(parts.size() >= 2);
    for (TelegramFormat.Part part : parts) {
      long fences = part.markdownV2().lines().filter(l -> l.startsWith("```")).count();
      assertEquals(0, fences % 2, "balanced fences in a part");
      assertTrue(FakeMarkdownV2.valid(part.markdownV2()), part.markdownV2());
    }
  }
}
