package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Markdown to mrkdwn, table by table. */
class SlackFormatTest {

  static Stream<Arguments> conversions() {
    return Stream.of(
        Arguments.of("plain words", "plain words"),
        Arguments.of("**bold** and __bold__", "*bold* and *bold*"),
        Arguments.of("*italic* and _italic_", "_italic_ and _italic_"),
        Arguments.of("***both***", "*_both_*"),
        Arguments.of("~~gone~~", "~gone~"),
        Arguments.of("[site](https://example.com)", "<https://example.com|site>"),
        Arguments.of("# Title", "*Title*"),
        Arguments.of("## **Bold** title ##", "*Bold title*"),
        Arguments.of("- one\n* two\n  + nested", "• one\n• two\n  • nested"),
        Arguments.of("> quoted <b>", "> quoted &lt;b&gt;"),
        Arguments.of("a < b & c > d", "a &lt; b &amp; c &gt; d"),
        Arguments.of("use `a **b** <c>` here", "use `a **b** &lt;c&gt;` here"),
        Arguments.of("```java\nif (a < b) **x**\n```", "```\nif (a &lt; b) **x**\n```"),
        Arguments.of("2 * 3 * 4", "2 * 3 * 4"),
        Arguments.of("snake_case_name", "snake_case_name"),
        Arguments.of("---", "──────────"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conversions")
  void markdown_becomes_mrkdwn(String markdown, String mrkdwn) {
    assertEquals(mrkdwn, SlackFormat.mrkdwn(markdown));
  }

  @Test
  void a_table_becomes_an_aligned_code_block() {
    String markdown =
        """
        Results:
        | Name | Score |
        |:-----|------:|
        | Ada | 10 |
        | Grace **H** | 9 |
        done""";

    assertEquals(
        """
        Results:
        ```
        Name    | Score
        ------- | -----
        Ada     | 10
        Grace H | 9
        ```
        done""",
        SlackFormat.mrkdwn(markdown));
  }

  @Test
  void table_cells_are_escaped_and_pipes_in_cells_kept() {
    String markdown = "| a | b |\n|---|---|\n| x \\| y | <z> |";

    assertEquals(
        "```\na     | b\n----- | ---\nx | y | &lt;z&gt;\n```", SlackFormat.mrkdwn(markdown));
  }

  @Test
  void lines_that_only_look_like_a_table_stay_text() {
    assertEquals("| not a table", SlackFormat.mrkdwn("| not a table"));
  }

  @Test
  void long_text_is_split_at_the_safe_length_without_breaking_code_blocks() {
    String code = "```\n" + "line of code\n".repeat(400) + "```";
    String text = "intro\n\n" + code + "\n\n" + "outro ".repeat(700);

    List<String> parts = SlackFormat.split(SlackFormat.mrkdwn(text));

    assertTrue(parts.size() >= 3, "parts: " + parts.size());
    for (String part : parts) {
      assertTrue(part.length() <= SlackFormat.SAFE_LENGTH, "a part of " + part.length());
      assertEquals(0, (part.split("```", -1).length - 1) % 2, "fences balanced in " + part);
    }
  }

  static Stream<Arguments> emoji() {
    return Stream.of(
        Arguments.of("👍", Optional.of("+1")),
        Arguments.of("❤️", Optional.of("heart")),
        Arguments.of(":tada:", Optional.of("tada")),
        Arguments.of("white_check_mark", Optional.of("white_check_mark")),
        Arguments.of("🦜", Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emoji")
  void emoji_become_slack_names(String emoji, Optional<String> name) {
    assertEquals(name, SlackFormat.emojiName(emoji));
  }

  @Test
  void slack_escapes_are_undone_for_inbound_text() {
    assertEquals("a <b> & c", SlackFormat.unescape("a &lt;b&gt; &amp; c"));
    assertEquals(
        "see docs (https://x.y) in #general <@U1>",
        SlackInbound.text("<@U0BOT> see <https://x.y|docs> in <#C1|general> <@U1>", "U0BOT"));
  }
}
