package dev.switchboard.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.switchboard.plugin.testkit.MemoryChannel.Flaw;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The suite checked by running it: a sound channel passes every check, and a channel with one flaw
 * fails the check written for that flaw.
 */
class ChannelConformanceSuiteTest {
  private static final int CHECKS = 22;

  @Test
  void a_sound_channel_passes_every_check() {
    Map<String, String> outcomes = run(Flaw.NONE, selectClass(MemoryConformance.class));

    assertEquals(CHECKS, outcomes.size(), outcomes.toString());
    outcomes.forEach((check, outcome) -> assertEquals("passed", outcome, check));
  }

  @ParameterizedTest(name = "{0} fails {1}")
  @CsvSource({
    "NEW_ID_ON_REDELIVERY, a_redelivered_event_is_stored_once",
    "THREADS_LOST, a_message_in_a_thread_carries_the_thread",
    "MENTIONS_MISSED, a_mention_of_the_bot_addresses_it",
    "DIRECT_MISSED, a_direct_message_addresses_the_bot",
    "REPLIES_LOST, a_reply_names_the_message_it_replies_to",
    "ANSWERS_LABEL_NOT_VALUE, a_pressed_button_comes_back_as_the_answer",
    "NO_SPLIT, splits_text_longer_than_the_platform_limit",
    "RATE_LIMIT_AS_TRANSIENT, a_rate_limit_is_rate_limited_for_as_long_as_the_platform_asks",
    "SERVER_ERROR_AS_PERMANENT, a_server_error_is_transient",
    "AUTH_FAILURE_AS_TRANSIENT, an_auth_failure_is_permanent",
    "FILES_LEFT_OUT, delivers_files",
    "LOCK_KEPT_AFTER_CLOSE, a_channel_restarted_over_its_data_folder_works_again",
    "THREAD_LEFT_RUNNING, close_leaves_no_threads_behind",
    "VIRTUAL_THREAD_LEFT_RUNNING, close_leaves_no_threads_behind",
    "CLOSE_FAILS_UNSTARTED, a_channel_that_never_started_closes_quietly",
    "SENDER_NAME_LOST, a_message_carries_its_ids_chat_sender_and_text",
    "ATTACHMENTS_DROPPED, an_attachment_is_downloaded_into_the_channel_data_folder",
    "OUTBOUND_THREAD_IGNORED, delivers_text_into_a_thread",
    "WRONG_ID_RETURNED, delivers_text_to_the_chat",
    "REPLIES_REFUSED, a_started_channel_takes_a_message_and_delivers_a_reply",
    "EDIT_POSTED_AS_NEW, edits_a_delivered_message",
    "REACTION_DROPPED, reacts_to_a_message",
    "OPTIONS_LOST, delivers_a_question_with_its_options"
  })
  void a_flawed_channel_fails_the_check_for_its_flaw(Flaw flaw, String check) {
    Map<String, String> outcomes = run(flaw, selectMethod(MemoryConformance.class, check));

    assertTrue(outcomes.get(check).startsWith("failed"), check + ": " + outcomes.get(check));
  }

  @Test
  void checks_of_capabilities_a_channel_does_not_claim_are_skipped_naming_the_capability() {
    Map<String, String> outcomes = run(Flaw.CLAIMS_TEXT_ONLY, selectClass(MemoryConformance.class));

    String skipped = "skipped: Assumption failed: the channel does not claim capability ";
    assertEquals(skipped + "THREADS", outcomes.get("delivers_text_into_a_thread"));
    assertEquals(skipped + "EDIT", outcomes.get("edits_a_delivered_message"));
    assertEquals(skipped + "REACTION", outcomes.get("reacts_to_a_message"));
    assertEquals(skipped + "QUESTION", outcomes.get("delivers_a_question_with_its_options"));
    assertEquals(skipped + "QUESTION", outcomes.get("a_pressed_button_comes_back_as_the_answer"));
    assertEquals(skipped + "FILES", outcomes.get("delivers_files"));
    assertEquals("passed", outcomes.get("delivers_text_to_the_chat"));
  }

  /** Runs the selected checks of the suite over the channel with {@code flaw}: check -> outcome. */
  private static Map<String, String> run(Flaw flaw, DiscoverySelector selector) {
    Map<String, String> outcomes = new TreeMap<>();
    TestExecutionListener listener =
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.getSource().orElse(null) instanceof MethodSource method) {
              outcomes.put(method.getMethodName(), describe(result));
            }
          }
        };
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selector)
                .configurationParameter(MemoryConformance.FLAW, flaw.name())
                .build(),
            listener);
    return outcomes;
  }

  private static String describe(TestExecutionResult result) {
    String message = result.getThrowable().map(Throwable::getMessage).orElse("");
    return switch (result.getStatus()) {
      case SUCCESSFUL -> "passed";
      case ABORTED -> "skipped: " + message;
      case FAILED -> "failed: " + message;
    };
  }
}
