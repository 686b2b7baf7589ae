package dev.switchboard.plugins.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the real slack-api-client sends to the fake Web API, and how failures are classified. */
class SlackDeliveryTest {
  @TempDir Path folder;
  private Running slack;

  @BeforeEach
  void start() throws Exception {
    slack = Running.start(SlackSettings.Mode.EVENTS, folder);
  }

  @AfterEach
  void stop() throws Exception {
    slack.close();
  }

  private DeliveryResult deliver(String id, String thread, OutboundContent content) {
    return slack.channel.deliver(
        new OutboundMessage(id, 1, SlackPlatform.GROUP, thread, null, content, 1));
  }

  @Test
  void markdown_goes_out_as_mrkdwn_in_the_thread() {
    Text text = new Text("**Done**: see [the report](https://example.com/r?a=1&b=2)", true, List.of());

    assertInstanceOf(Delivered.class, deliver("o1", "1700000000.000001", text));

    FakeSlack.Call post = slack.api().calls("chat.postMessage").getFirst();
    assertEquals("*Done*: see <https://example.com/r?a=1&amp;b=2|the report>", post.param("text"));
    assertEquals("1700000000.000001", post.param("thread_ts"));
  }

  @Test
  void plain_text_is_escaped_and_not_formatted() {
    deliver("o2", null, new Text("a <b> & *c*"));

    FakeSlack.Call post = slack.api().calls("chat.postMessage").getFirst();
    assertEquals("a &lt;b&gt; &amp; *c*", post.param("text"));
    assertEquals("0", post.param("mrkdwn"), "the SDK sends false as 0");
  }

  @Test
  void rate_limited_with_retry_after_is_rate_limited_for_that_long() {
    slack.api().failNext(FakeSlack.Failure.rateLimited(Duration.ofSeconds(42)));

    RateLimited result = assertInstanceOf(RateLimited.class, deliver("o3", null, new Text("x")));

    assertEquals(Duration.ofSeconds(42), result.retryAfter());
  }

  @Test
  void ratelimited_in_an_ok_false_answer_is_rate_limited() {
    slack.api().failNext(FakeSlack.Failure.error("ratelimited"));

    assertInstanceOf(RateLimited.class, deliver("o4", null, new Text("x")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"channel_not_found", "not_in_channel", "invalid_auth", "account_inactive"})
  void errors_that_never_pass_are_permanent(String error) {
    slack.api().failNext(FakeSlack.Failure.error(error));

    Permanent result = assertInstanceOf(Permanent.class, deliver("o5", null, new Text("x")));

    assertEquals("chat.postMessage failed: " + error, result.reason());
  }

  @Test
  void a_server_error_is_transient() {
    slack.api().failNext(FakeSlack.Failure.status(500));

    assertInstanceOf(Transient.class, deliver("o6", null, new Text("x")));
  }

  @Test
  void an_unreachable_slack_is_transient() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SlackSettings settings =
        SlackSettings.from(
            dev.switchboard.plugin.api.Settings.of(
                "channels.slack",
                Map.of(
                    "botToken", FakeSlack.BOT_TOKEN,
                    "signingSecret", "s",
                    "apiUrl", "http://127.0.0.1:" + closedPort + "/api/")));
    try (SlackApi api = new SlackApi(settings, java.time.Clock.systemUTC())) {
      DeliveryResult result =
          new SlackOutbound(api)
              .deliver(new OutboundMessage("o7", 1, "C1", null, null, new Text("x"), 1));
      assertInstanceOf(Transient.class, result);
    }
  }

  @Test
  void a_retry_after_a_failed_part_goes_on_from_that_part() {
    String text = "para one ".repeat(300) + "\n\n" + "para two ".repeat(300) + "\n\n" + "para three ".repeat(300);
    DeliveryResult first = deliver("o8", null, new Text(text));
    int postsAfterSuccess = slack.api().calls("chat.postMessage").size();
    assertInstanceOf(Delivered.class, first);

    // The first part goes through; the second is refused once.
    slack.api().failAfter(1, FakeSlack.Failure.status(500));
    DeliveryResult failed = deliver("o9", null, new Text(text));
    assertInstanceOf(Transient.class, failed);
    DeliveryResult retried = deliver("o9", null, new Text(text));
    assertInstanceOf(Delivered.class, retried);

    long posted =
        slack.api().calls("chat.postMessage").stream()
            .skip(postsAfterSuccess)
            .filter(c -> c.param(FakeSlack.FAILED) == null)
            .count();
    assertEquals(postsAfterSuccess, posted, "every part of the retried text posted exactly once");
  }

  @Test
  void an_edit_a_reaction_and_a_question_use_their_methods() {
    String ts = ((Delivered) deliver("o10", null, new Text("draft"))).platformMessageId();

    assertInstanceOf(Delivered.class, deliver("o11", null, new OutboundContent.Edit(ts, "final")));
    assertInstanceOf(Delivered.class, deliver("o12", null, new OutboundContent.Reaction(ts, "🎉")));
    assertInstanceOf(
        Delivered.class,
        deliver(
            "o13",
            null,
            new OutboundContent.Question(
                "q1", null, "Ship?", List.of(new OutboundContent.Option("Yes", "y")))));

    assertEquals("final", slack.api().calls("chat.update").getFirst().param("text"));
    assertEquals("tada", slack.api().calls("reactions.add").getFirst().param("name"));
    assertEquals(1, FakeSlack.buttons(slack.api().calls("chat.postMessage").getLast()).size());
  }

  @Test
  void a_file_goes_through_the_external_upload_with_the_text_as_its_comment() throws Exception {
    Path file = java.nio.file.Files.writeString(folder.resolve("a.txt"), "bytes");

    DeliveryResult result =
        deliver(
            "o14",
            "1700000000.000002",
            new Text("here", false, List.of(new OutboundContent.File("a.txt", file, 5))));

    assertNull(assertInstanceOf(Delivered.class, result).platformMessageId());
    FakeSlack.Call complete = slack.api().calls("files.completeUploadExternal").getFirst();
    assertEquals("here", complete.param("initial_comment"));
    assertEquals("1700000000.000002", complete.param("thread_ts"));
    assertEquals("5", slack.api().calls("files.getUploadURLExternal").getFirst().param("length"));
  }
}
