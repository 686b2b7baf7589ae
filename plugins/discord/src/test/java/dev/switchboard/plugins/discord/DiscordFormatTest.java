package dev.switchboard.plugins.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DiscordFormatTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          a heading of level 4 becomes bold       | #### Notes             | **Notes**
          a heading of level 3 stays              | ### Notes              | ### Notes
          an image becomes a link                 | see ![chart](http://x/c.png) | see [chart](http://x/c.png)
          an image without alt text is an image   | ![](http://x/c.png)    | [image](http://x/c.png)
          bold and links pass unchanged           | **b** [l](http://x)    | **b** [l](http://x)
          """)
  void adapts_markdown_line_by_line(String name, String markdown, String discord) {
    assertEquals(discord, DiscordFormat.fromMarkdown(markdown));
  }

  @Test
  void a_markdown_table_becomes_a_code_block() {
    String table = "Totals:\n| a | b |\n|---|---|\n| 1 | 2 |\nafter";

    assertEquals(
        "Totals:\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\nafter", DiscordFormat.fromMarkdown(table));
  }

  @Test
  void markdown_inside_code_blocks_is_left_alone() {
    String code = "```\n#### not a heading\n| a | b |\n|---|---|\n```";

    assertEquals(code, DiscordFormat.fromMarkdown(code));
  }

  @Test
  void text_over_2000_characters_is_split_without_breaking_a_code_block() {
    String code = "```java\n" + "int x = 1;\n".repeat(300) + "```";

    List<String> parts = DiscordFormat.messages("Here:\n\n" + code, true);

    assertTrue(parts.size() >= 2, "parts: " + parts.size());
    for (String part : parts) {
      assertTrue(part.length() <= 2000, "a part of " + part.length());
      assertEquals(0, countFences(part) % 2, "fences balanced in: " + part.substring(0, 40));
    }
    assertTrue(parts.get(1).startsWith("```java"), "the code block is reopened with its language");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = "->",
      textBlock =
          """
          bold                  -> **
          italic with stars     -> *
          italic with lines     -> _
          underline             -> __
          strikethrough         -> ~~
          spoiler               -> ||
          inline code           -> `
          """)
  void a_span_cut_by_a_split_is_closed_at_the_end_of_one_part_and_reopened_in_the_next(String name, String marker) {
    String inside = "word ".repeat(700).strip();
    String text = "Intro. " + marker + inside + marker + " Outro.";

    List<String> parts = DiscordFormat.messages(text, false);

    assertTrue(parts.size() >= 2, "parts: " + parts.size());
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      assertTrue(part.length() <= 2000, "a part of " + part.length());
      if (i < parts.size() - 1) {
        assertTrue(part.endsWith("d" + marker), "part " + i + " closes the span: ..." + tail(part));
      }
      if (i > 0) {
        assertTrue(part.startsWith(marker + "w"), "part " + i + " reopens the span: " + part.substring(0, 10));
      }
    }
    String seams = String.join(" ", parts).replace("d" + marker + " " + marker + "w", "d w");
    assertEquals(text, seams, "nothing lost or added but the markers at the cuts");
  }

  @Test
  void nested_spans_are_closed_innermost_first_and_reopened_outermost_first() {
    String text = "**bold ~~struck " + "word ".repeat(700).strip() + "~~ bold** plain";

    List<String> parts = DiscordFormat.messages(text, false);

    assertEquals(2, parts.size());
    assertTrue(parts.get(0).endsWith("word~~**"), tail(parts.get(0)));
    assertTrue(parts.get(1).startsWith("**~~word"), parts.get(1).substring(0, 10));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a lone star between spaces      | 2 * 3 is six and
          underscores inside words        | snake_case_name and
          an escaped star                 | \\*not bold and
          stars inside inline code        | `a**b` and
          """)
  void characters_that_open_no_span_get_nothing_added(String name, String sentence) {
    String text = (sentence + " ").repeat(2500 / sentence.length() + 1).strip();

    List<String> parts = DiscordFormat.messages(text, false);

    assertTrue(parts.size() >= 2);
    assertEquals(text.replace(" ", ""), String.join("", parts).replace(" ", ""), "no marker added");
  }

  @Test
  void a_span_is_not_opened_in_one_part_and_closed_in_another_when_the_text_holds_code_blocks() {
    String text = "**Result:** see below\n\n```\n" + "x = 1\n".repeat(500) + "```\n_done_";

    List<String> parts = DiscordFormat.messages(text, false);

    assertTrue(parts.size() >= 2);
    for (String part : parts) {
      assertEquals(0, countFences(part) % 2, "fences balanced in: " + part.substring(0, 20));
      assertEquals(0, (part.split("\\*\\*", -1).length - 1) % 2, "bold balanced in: " + part.substring(0, 20));
    }
    assertTrue(parts.getLast().endsWith("```\n_done_"));
  }

  @Test
  void an_edit_over_2000_characters_keeps_its_first_part_with_spans_closed_and_an_ellipsis() {
    String text = "**" + "word ".repeat(700).strip() + "**";

    DiscordFormat.Edited edited = DiscordFormat.edited(text).orElseThrow();

    assertTrue(edited.cut());
    assertTrue(edited.text().length() <= 2000, "length " + edited.text().length());
    assertTrue(edited.text().startsWith("**word"));
    assertTrue(edited.text().endsWith("word**…"), tail(edited.text()));
    assertEquals(new DiscordFormat.Edited("**short**", false), DiscordFormat.edited("**short**").orElseThrow());
  }

  @ParameterizedTest(name = "\"{0}\" gives {1} message(s)")
  @CsvSource({"hello, 1", "'', 0", "'   ', 0"})
  void short_and_empty_text(String text, int count) {
    assertEquals(count, DiscordFormat.messages(text, false).size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          <@100> hi           | @Bot hi
          <@!100> hi          | @Bot hi
          <@200> hi           | <@200> hi
          """)
  void the_bots_own_mention_reads_as_its_name(String raw, String expected) {
    assertEquals(expected, DiscordFormat.withBotMention(raw, "100", "Bot"));
  }

  @Test
  void a_question_shows_its_title_in_bold_and_the_answer_below() {
    String text = DiscordFormat.question("Release", "Ship it?");

    assertEquals("**Release**\nShip it?", text);
    assertEquals("**Release**\nShip it?\n\n> **Yes** (chosen by Ada)", DiscordFormat.answered(text, "Yes", "Ada"));
  }

  @Test
  void button_labels_fit_discords_limit() {
    assertEquals(80, DiscordFormat.buttonLabel("x".repeat(200)).length());
    assertEquals("·", DiscordFormat.buttonLabel("  "));
  }

  @Test
  void nonces_are_stable_per_part_and_fit_25_characters() {
    String id = "0191d5a0-0000-7000-8000-000000000001-with-a-long-suffix";

    assertEquals(DiscordOutbound.nonce(id, 0), DiscordOutbound.nonce(id, 0));
    assertNotEquals(DiscordOutbound.nonce(id, 0), DiscordOutbound.nonce(id, 1));
    assertEquals(25, DiscordOutbound.nonce(id, 0).length());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"report.pdf, report.pdf", "../../etc/passwd, .._.._etc_passwd", "'..', file-1", "'', file-1"})
  void attachment_names_stay_inside_their_folder(String name, String safe) {
    assertEquals(safe, DiscordAttachments.safeName(name, 1));
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 20));
  }

  private static int countFences(String text) {
    return text.split("```", -1).length - 1;
  }
}
