package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.admin.Administration;
import dev.switchboard.admin.Administration.WiringOptions;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.scheduling.ManualClock;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.Questions;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers that change nothing: unknown, expired, foreign or not among the options. */
class AnswersTest {
  private static final String OPTIONS = "[{\"label\":\"Yes\",\"value\":\"yes\"},{\"label\":\"No\",\"value\":\"no\"}]";

  @TempDir Path dataDir;
  private CentralDb central;
  private SessionFiles files;
  private final ManualClock clock = ManualClock.at("2026-05-04T10:00:00Z");
  private final List<String> woken = new CopyOnWriteArrayList<>();
  private final List<HostReply> replies = new CopyOnWriteArrayList<>();
  private Router router;
  private String session;

  @BeforeEach
  void setUp() {
    central = CentralDb.open(dataDir.resolve("switchboard.db"));
    files = new SessionFiles(dataDir);
    Administration admin = new Administration(central, clock);
    admin.putGroup("main", "Main", "echo", false, null);
    admin.wire("webhook", "demo", "main", new WiringOptions("shared", "all", 0, null));
    router =
        new Router(central, files, clock, woken::add,
            new RoutingSettings(Set.of("/clear"), Duration.ofMinutes(30), 1024), replies::add);
    session = ((InboundOutcome.Stored) router.route("webhook", message("m-0", "hello"))).sessionIds().get(0);
    woken.clear();
  }

  @AfterEach
  void tearDown() {
    central.close();
  }

  private static InboundEvent message(String id, String text) {
    return InboundEvent.builder("demo", new InboundEvent.Sender("u1", "Ada"), text).messageId(id).build();
  }

  private QuestionAnswer press(String chat, String questionId, String value, String answerId) {
    return new QuestionAnswer(chat, null, questionId, value, new InboundEvent.Sender("u1", "Ada"), answerId, clock.instant());
  }

  /** A question the delivery part recorded as delivered now. */
  private void asked(String questionId, boolean asText) {
    asked(questionId, asText, null);
  }

  private void asked(String questionId, boolean asText, String thread) {
    central.write(c -> {
      Questions.insert(
          c,
          new Questions.Pending(questionId, session, "o-" + questionId, "demo", "webhook", thread,
              Times.format(clock.instant()), OPTIONS, asText));
      return null;
    });
  }

  private long details() {
    return central.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM question_details"));
  }

  private boolean isPending(String questionId) {
    return central.read(c -> Questions.find(c, questionId)).isPresent();
  }

  private long rows() {
    Path dir = files.dir(central.read(c -> Jdbc.queryOne(c, "SELECT agent_group_id FROM sessions WHERE id = ?", r -> r.getString(1), session)).orElseThrow(), session);
    return files.readInbound(dir, c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM messages_in"));
  }

  private static String dropped(InboundOutcome outcome) {
    return assertInstanceOf(InboundOutcome.Dropped.class, outcome).reason();
  }

  @Test
  void an_answer_to_a_question_nobody_asked_is_dropped() {
    String reason = dropped(router.answer("webhook", press("demo", "q-unknown", "yes", "a-1")));

    assertTrue(reason.contains("not open"), reason);
    assertEquals(1, rows());
    assertTrue(woken.isEmpty());
  }

  @Test
  void an_answer_after_the_question_expired_is_dropped_and_so_is_any_later_one() {
    asked("q-1", false);
    clock.advance(Duration.ofMinutes(31));

    assertEquals("this question has expired", dropped(router.answer("webhook", press("demo", "q-1", "yes", "a-1"))));
    assertTrue(!isPending("q-1"), "an expired question is no longer pending");

    String again = dropped(router.answer("webhook", press("demo", "q-1", "no", "a-2")));
    assertTrue(again.contains("expired"), "nobody answered it, so it is not 'already answered': " + again);
    assertEquals(1, rows(), "nothing reached the session");
    assertTrue(woken.isEmpty());
  }

  @Test
  void an_answer_that_is_not_one_of_the_options_is_dropped_and_the_question_stays_open() {
    asked("q-1", false);

    assertEquals("'maybe' is not one of the options", dropped(router.answer("webhook", press("demo", "q-1", "maybe", "a-1"))));
    assertTrue(isPending("q-1"));
    assertInstanceOf(InboundOutcome.Stored.class, router.answer("webhook", press("demo", "q-1", "yes", "a-2")));
  }

  @Test
  void an_answer_from_another_chat_is_dropped() {
    asked("q-1", false);

    assertTrue(dropped(router.answer("webhook", press("elsewhere", "q-1", "yes", "a-1"))).contains("not open"));
    assertTrue(isPending("q-1"));
    assertEquals(1, rows());
  }

  @Test
  void a_label_answers_a_question_sent_as_text_and_an_expired_one_gets_a_reply() {
    asked("q-1", true);
    InboundOutcome byLabel = router.route("webhook", message("m-1", "no"));
    assertInstanceOf(InboundOutcome.Stored.class, byLabel);
    assertEquals(List.of(session), woken);

    asked("q-2", true);
    clock.advance(Duration.ofHours(1));
    InboundOutcome late = router.route("webhook", message("m-2", "1"));

    assertEquals("this question has expired", dropped(late));
    assertEquals(1, replies.size(), "the sender learns why nothing happened");
    HostReply reply = replies.get(0);
    assertEquals("this question has expired", reply.text());
    assertEquals("webhook", reply.channelType());
    assertEquals("demo", reply.platformId());
    assertEquals("m-2", reply.replyToMessageId());
  }

  @Test
  void questions_nobody_answered_in_time_are_closed_and_forgotten_a_day_later() {
    asked("q-old", false);
    clock.advance(Duration.ofMinutes(20));
    asked("q-new", false);
    clock.advance(Duration.ofMinutes(11));

    assertEquals(1, router.expireQuestions());

    assertFalse(isPending("q-old"), "closed once past its expiry");
    assertTrue(isPending("q-new"), "one still within its expiry stays open");
    assertTrue(dropped(router.answer("webhook", press("demo", "q-old", "yes", "a-1"))).contains("not open"));
    assertEquals(2, details(), "kept a while to recognise redelivered answers");

    clock.advance(Duration.ofDays(1).plusMinutes(1));
    assertEquals(1, router.expireQuestions(), "q-new's turn");
    assertEquals(1, details(), "q-old, closed over a day ago, is forgotten; q-new was just closed");
    clock.advance(Duration.ofDays(1).plusMinutes(1));
    router.expireQuestions();
    assertEquals(0, details());
    assertEquals(1, rows(), "nothing reached the session");
  }

  @Test
  void a_numbered_reply_answers_the_question_of_its_own_thread_or_else_one_asked_outside_threads() {
    asked("q-thread", true, "t-1");

    InboundEvent otherThread =
        InboundEvent.builder("demo", new InboundEvent.Sender("u1", "Ada"), "1").messageId("m-1").threadId("t-2").build();
    assertInstanceOf(InboundOutcome.Stored.class, router.route("webhook", otherThread));
    assertTrue(isPending("q-thread"), "a reply in another thread is an ordinary message");

    InboundEvent sameThread =
        InboundEvent.builder("demo", new InboundEvent.Sender("u1", "Ada"), "2").messageId("m-2").threadId("t-1").build();
    assertInstanceOf(InboundOutcome.Stored.class, router.route("webhook", sameThread));
    assertFalse(isPending("q-thread"), "answered from its own thread");

    asked("q-chat", true, null);
    InboundEvent inAThread =
        InboundEvent.builder("demo", new InboundEvent.Sender("u1", "Ada"), "1").messageId("m-3").threadId("t-3").build();
    router.route("webhook", inAThread);
    assertFalse(isPending("q-chat"), "a question asked outside threads is answered from any thread");
  }
}
