package dev.switchboard.plugins.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.WebhookResponse;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack's 3 seconds: an event is acknowledged within them however slow Slack's look-ups and file
 * downloads are, only once it is durable, and is still stored exactly once, also across a
 * restart.
 */
class SlackAcknowledgementTest {
  /** How long Slack waits for the 200 or the envelope ack before it sends the event again. */
  private static final Duration SLACK_WAITS = Duration.ofSeconds(3);
  /** Longer than the look-up budget: with the look-ups one after the other, the ack is late. */
  private static final Duration SLOW_LOOKUP = Duration.ofMillis(2500);

  private static final byte[] REPORT = "quarterly figures".getBytes(UTF_8);

  @TempDir Path folder;
  private Running slack;

  @AfterEach
  void stop() throws Exception {
    if (slack != null) {
      slack.close();
    }
  }

  private JsonObject message(String chat, String ts, String text) {
    JsonObject event = new JsonObject();
    event.addProperty("type", "message");
    event.addProperty("channel", chat);
    event.addProperty("user", "U0ADA");
    event.addProperty("text", text);
    event.addProperty("ts", ts);
    event.addProperty("channel_type", "channel");
    return event;
  }

  private JsonObject withReport(JsonObject event, String fileId) {
    JsonObject file = new JsonObject();
    file.addProperty("id", fileId);
    file.addProperty("name", "report.txt");
    file.addProperty("mimetype", "text/plain");
    file.addProperty("size", REPORT.length);
    file.addProperty("url_private_download", slack.api().shareFile(fileId, REPORT));
    JsonArray files = new JsonArray();
    files.add(file);
    event.add("files", files);
    event.addProperty("subtype", "file_share");
    return event;
  }

  private Duration timed(Runnable action) {
    long started = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private WebhookResponse post(JsonObject event, int retry) {
    Map<String, List<String>> headers =
        retry == 0 ? Map.of() : Map.of("X-Slack-Retry-Num", List.of(Integer.toString(retry)));
    return slack.platform.post("events", slack.platform.callback(event).toString(), headers);
  }

  private void assertWithinSlacksWait(Duration took, String what) {
    assertTrue(took.compareTo(SLACK_WAITS) < 0, what + " took " + took.toMillis() + " ms");
  }

  private List<Path> journal(Running running) throws IOException {
    Path pending = running.dataDir().resolve("pending");
    try (Stream<Path> files = Files.list(pending)) {
      return files.toList();
    }
  }

  /** The worker deletes an entry right after its message was stored. */
  private void awaitEmptyJournal(Running running) throws IOException {
    long deadline = System.nanoTime() + Running.TIMEOUT.toNanos();
    while (!journal(running).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the journal still holds " + journal(running));
      }
      Thread.onSpinWait();
    }
  }

  private static long submittedWithId(FakeChannelContext context, String ts) {
    return context.submitted().stream().filter(e -> ts.equals(e.messageId())).count();
  }

  @Test
  void over_the_events_api_the_200_comes_within_3_s_while_look_ups_and_downloads_are_slow()
      throws Exception {
    slack = Running.start(SlackSettings.Mode.EVENTS, folder);
    slack.api().delayLookups(SLOW_LOOKUP);
    slack.api().holdDownloads();
    JsonObject withFile = withReport(message(SlackPlatform.GROUP, "1700000010.000001", "see the file"), "F0REPORT1");
    JsonObject later = message(SlackPlatform.GROUP, "1700000010.000002", "what do you think?");
    JsonObject elsewhere = message("C0OTHER", "1700000010.000003", "no files here");

    WebhookResponse[] answers = new WebhookResponse[4];
    assertWithinSlacksWait(timed(() -> answers[0] = post(withFile, 0)), "the message with a file");
    assertWithinSlacksWait(timed(() -> answers[1] = post(withFile, 1)), "Slack's retry of it");
    assertWithinSlacksWait(timed(() -> answers[2] = post(later, 0)), "the next message of that chat");
    assertWithinSlacksWait(timed(() -> answers[3] = post(elsewhere, 0)), "a message without files");

    for (WebhookResponse answer : answers) {
      assertEquals(200, answer.status());
    }
    assertEquals(
        List.of("1700000010.000003"),
        slack.context.stored().stream().map(InboundEvent::messageId).toList(),
        "a message without files is stored before its 200; the others wait on disk, in order");
    assertEquals(2, journal(slack).size(), "the file's message and the one after it, journaled once");

    slack.api().releaseDownloads();
    slack.context.awaitStored(3, Running.TIMEOUT);

    List<InboundEvent> stored = slack.context.stored();
    assertEquals(
        List.of("1700000010.000003", "1700000010.000001", "1700000010.000002"),
        stored.stream().map(InboundEvent::messageId).toList());
    InboundEvent file = stored.get(1);
    assertEquals(1, file.attachments().size());
    assertArrayEquals(REPORT, Files.readAllBytes(file.attachments().getFirst().file()));
    assertEquals(1, submittedWithId(slack.context, "1700000010.000001"), "submitted exactly once");
    assertEquals(1, slack.api().downloads(), "downloaded once");
    awaitEmptyJournal(slack);
  }

  @Test
  void over_socket_mode_the_envelope_ack_comes_within_3_s_while_look_ups_and_downloads_are_slow()
      throws Exception {
    slack = Running.start(SlackSettings.Mode.SOCKET, folder);
    slack.api().delayLookups(SLOW_LOOKUP);
    slack.api().holdDownloads();
    FakeSocketMode socket = slack.platform.socket();
    JsonObject withFile = slack.platform.callback(
        withReport(message(SlackPlatform.GROUP, "1700000011.000001", "see the file"), "F0REPORT2"));
    JsonObject elsewhere = slack.platform.callback(message("C0OTHER", "1700000011.000002", "no files here"));

    socket.send("events_api", "env-file", withFile, 0);
    socket.awaitAck("env-file", 1, SLACK_WAITS);
    socket.send("events_api", "env-file", withFile, 1);
    socket.awaitAck("env-file", 2, SLACK_WAITS);
    socket.send("events_api", "env-text", elsewhere, 0);
    socket.awaitAck("env-text", 1, SLACK_WAITS);

    assertEquals(
        List.of("1700000011.000002"),
        slack.context.stored().stream().map(InboundEvent::messageId).toList(),
        "acknowledged after it was stored");
    slack.api().releaseDownloads();
    InboundEvent file = slack.context.awaitStored("1700000011.000001", Running.TIMEOUT);
    assertArrayEquals(REPORT, Files.readAllBytes(file.attachments().getFirst().file()));
    assertEquals(1, submittedWithId(slack.context, "1700000011.000001"), "submitted exactly once");
  }

  @Test
  void a_message_acknowledged_but_not_stored_before_a_stop_is_stored_once_after_the_restart()
      throws Exception {
    slack = Running.start(SlackSettings.Mode.EVENTS, folder);
    slack.api().holdDownloads();
    JsonObject withFile = withReport(message(SlackPlatform.GROUP, "1700000012.000001", "see the file"), "F0REPORT3");
    assertEquals(200, post(withFile, 0).status());
    slack.api().awaitDownloads(1, Running.TIMEOUT); // the channel is busy downloading when it stops

    Running first = slack;
    slack = first.restart();

    assertEquals(List.of(), first.context.submitted(), "the stopped channel submitted nothing");
    assertEquals(200, post(withFile, 1).status(), "Slack's retry after the restart");
    assertEquals(1, journal(slack).size(), "the retry was not journaled again");
    slack.api().releaseDownloads();
    InboundEvent stored = slack.context.awaitStored("1700000012.000001", Running.TIMEOUT);
    assertEquals("see the file", stored.text());
    assertArrayEquals(REPORT, Files.readAllBytes(stored.attachments().getFirst().file()));
    assertEquals(1, submittedWithId(slack.context, "1700000012.000001"), "submitted exactly once");
    awaitEmptyJournal(slack);
  }
}
