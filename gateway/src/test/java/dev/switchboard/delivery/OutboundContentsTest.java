package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The content JSON of outbound rows, table-style. */
class OutboundContentsTest {
  @TempDir static Path sessionDir;
  private static Path outbox;

  /** What the agent's references resolve to: seq 3 and id o3 were delivered as pm-3. */
  private static final Function<String, Optional<String>> RESOLVE =
      ref -> Optional.ofNullable(Map.of("3", "pm-3", "o3", "pm-3").get(ref));

  @BeforeAll
  static void outbox() throws Exception {
    outbox = sessionDir.resolve("outbox").resolve("o9");
    Files.createDirectories(outbox.resolve("folder"));
    Files.writeString(outbox.resolve("chart.png"), "png!");
    Files.writeString(sessionDir.resolve("secret.txt"), "not for the agent to send");
    Files.writeString(sessionDir.resolve("inbound.db"), "host file");
    Files.createSymbolicLink(outbox.resolve("link.txt"), sessionDir.resolve("secret.txt"));
    Files.createSymbolicLink(outbox.resolve("abs.txt"), Path.of("/etc/hostname"));
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("{\"text\":\"hi\"}", new Text("hi")),
        Arguments.of("{\"markdown\":\"*hi*\"}", new Text("*hi*", true, List.of())),
        Arguments.of("{\"markdown\":\"*hi*\",\"text\":\"hi\"}", new Text("*hi*", true, List.of())),
        Arguments.of("{\"text\":\"hi\",\"files\":null}", new Text("hi")),
        Arguments.of("{\"text\":42}", new Text("42")),
        Arguments.of("{\"operation\":\"edit\",\"messageId\":3,\"text\":\"new\"}", new Edit("pm-3", "new")),
        Arguments.of("{\"operation\":\"edit\",\"messageId\":\"o3\",\"text\":\"\"}", new Edit("pm-3", "")),
        Arguments.of("{\"operation\":\"reaction\",\"messageId\":\"3\",\"emoji\":\"🎉\"}", new Reaction("pm-3", "🎉")),
        Arguments.of(
            "{\"type\":\"ask_question\",\"questionId\":\"q1\",\"question\":\"Ship it?\",\"options\":[\"yes\",\"no\"]}",
            new Question("q1", null, "Ship it?", List.of(new Option("yes", "yes"), new Option("no", "no")))),
        Arguments.of(
            "{\"type\":\"ask_question\",\"questionId\":\"q2\",\"question\":\"Size?\",\"title\":\"Order\","
                + "\"options\":[{\"label\":\"Small\",\"value\":\"s\"},{\"label\":\"Large\"},\"other\"]}",
            new Question(
                "q2",
                "Order",
                "Size?",
                List.of(new Option("Small", "s"), new Option("Large", "Large"), new Option("other", "other")))));
  }

  @ParameterizedTest
  @MethodSource
  void valid(String json, OutboundContent expected) {
    OutboundContents.Parsed parsed = OutboundContents.parse(json, RESOLVE, outbox);
    assertEquals(new OutboundContents.Valid(expected), parsed, json);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("{\"text\": \"open", "content is not JSON"),
        Arguments.of("", "content is not a JSON object"),
        Arguments.of("[\"text\"]", "content is not a JSON object"),
        Arguments.of("\"hi\"", "content is not a JSON object"),
        Arguments.of("null", "content is not a JSON object"),
        Arguments.of("{}", "neither text, markdown nor files"),
        Arguments.of("{\"text\":null}", "neither text, markdown nor files"),
        Arguments.of("{\"text\":\"x\",\"files\":\"chart.png\"}", "files must be a list"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"missing.png\"]}", "file 'missing.png' is not in"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"../../secret.txt\"]}", "file '../../secret.txt'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"..\"]}", "file '..'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\".\"]}", "file '.'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"folder\"]}", "file 'folder'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"\"]}", "file ''"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"/etc/hostname\"]}", "file '/etc/hostname'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"..\\\\inbound.db\"]}", "is not in"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"nul\\u0000.txt\"]}", "is not in"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"link.txt\"]}", "file 'link.txt'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"abs.txt\"]}", "file 'abs.txt'"),
        Arguments.of("{\"text\":\"x\",\"files\":[\"chart.png\",\"missing.png\"]}", "missing.png"),
        Arguments.of("{\"operation\":\"edit\",\"messageId\":7,\"text\":\"x\"}", "names message 7, which was never delivered"),
        Arguments.of("{\"operation\":\"edit\",\"text\":\"x\"}", "edit needs a messageId"),
        Arguments.of("{\"operation\":\"edit\",\"messageId\":3}", "edit needs a text"),
        Arguments.of("{\"operation\":\"reaction\",\"messageId\":3}", "reaction needs an emoji"),
        Arguments.of("{\"operation\":\"reaction\",\"messageId\":\"nope\",\"emoji\":\"x\"}", "never delivered"),
        Arguments.of("{\"operation\":\"delete\",\"messageId\":3}", "unknown operation 'delete'"),
        Arguments.of("{\"type\":\"ask_question\",\"question\":\"Q?\",\"options\":[\"a\"]}", "needs a questionId and a question"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"options\":[\"a\"]}", "needs a questionId and a question"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"question\":\"Q?\"}", "non-empty list of options"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"question\":\"Q?\",\"options\":[]}", "non-empty list of options"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"question\":\"Q?\",\"options\":{\"a\":1}}", "non-empty list of options"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"question\":\"Q?\",\"options\":[{\"value\":\"v\"}]}", "each option is a string or"),
        Arguments.of("{\"type\":\"ask_question\",\"questionId\":\"q\",\"question\":\"Q?\",\"options\":[5]}", "each option is a string or"));
  }

  @ParameterizedTest
  @MethodSource
  void invalid(String json, String reason) {
    OutboundContents.Parsed parsed = OutboundContents.parse(json, RESOLVE, outbox);
    OutboundContents.Invalid invalid = assertInstanceOf(OutboundContents.Invalid.class, parsed, json);
    assertTrue(invalid.reason().contains(reason), json + " -> " + invalid.reason());
  }

  @Test
  void a_file_behind_an_outbox_folder_that_is_a_link_is_not_sent(@TempDir Path other)
      throws Exception {
    Path elsewhere = Files.createDirectories(other.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("notes.txt"), "host notes");
    Files.createDirectories(elsewhere.resolve("o7"));
    Files.writeString(elsewhere.resolve("o7").resolve("notes.txt"), "host notes");
    String json = "{\"text\":\"x\",\"files\":[\"notes.txt\"]}";

    // outbox/<id> is a link
    Path linkedRow = Files.createSymbolicLink(sessionDir.resolve("outbox").resolve("o8"), elsewhere);
    assertInstanceOf(OutboundContents.Invalid.class, OutboundContents.parse(json, RESOLVE, linkedRow));
    // outbox itself is a link
    Path session = Files.createDirectories(other.resolve("session"));
    Files.createSymbolicLink(session.resolve("outbox"), elsewhere);
    assertInstanceOf(
        OutboundContents.Invalid.class,
        OutboundContents.parse(json, RESOLVE, session.resolve("outbox").resolve("o7")));
  }

  @Test
  void a_file_in_the_outbox_is_sent_with_its_path_and_size() {
    OutboundContents.Parsed parsed =
        OutboundContents.parse("{\"files\":[\"chart.png\"]}", RESOLVE, outbox);

    Text text = (Text) assertInstanceOf(OutboundContents.Valid.class, parsed).content();
    assertEquals("", text.text(), "files alone are a message");
    assertEquals(
        List.of(new OutboundContent.File("chart.png", outbox.resolve("chart.png"), 4)), text.files());
  }
}
