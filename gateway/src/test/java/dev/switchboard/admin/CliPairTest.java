package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.routing.HostReply;
import dev.switchboard.routing.Router;
import dev.switchboard.routing.RoutingSettings;
import dev.switchboard.scheduling.ManualClock;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.SessionFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./switchboard pair <channel> --group <folder>}: the printed code pairs once, and expires. */
class CliPairTest {
  private static final Pattern CODE = Pattern.compile("(?m)^(SB-[A-Z2-9]{6})$");

  @TempDir Path dataDir;
  private final ManualClock clock = ManualClock.at("2026-06-01T08:00:00Z");
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final List<HostReply> replies = new ArrayList<>();
  private final List<String> woken = new ArrayList<>();
  private CentralDb central;
  private SessionFiles files;
  private Router router;

  @BeforeEach
  void open() {
    central = CentralDb.open(dataDir.resolve("switchboard.db"));
    files = new SessionFiles(dataDir);
    new Administration(central, clock).putGroup("main", "Main", "echo", false, null);
    router = new Router(central, files, clock, woken::add, RoutingSettings.DEFAULTS, replies::add);
  }

  @AfterEach
  void close() {
    central.close();
  }

  /** Runs {@code ./switchboard <args>} on the data folder; returns the code it printed. */
  private String pair(String... args) {
    buffer.reset();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int exit = new Cli(central, files, clock, ZoneId.of("UTC"), out).run(Arrays.asList(args));
    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, printed);
    Matcher code = CODE.matcher(printed);
    assertTrue(code.find(), "a code on a line of its own: " + printed);
    return code.group(1);
  }

  private InboundOutcome send(String chat, String messageId, String text) {
    return router.route(
        "telegram",
        InboundEvent.builder(chat, new InboundEvent.Sender("u-" + chat, "Ada"), text).messageId(messageId).build());
  }

  private MessagingGroup chat(String chat) {
    return central.read(c -> MessagingGroups.find(c, "telegram", chat)).orElseThrow();
  }

  @Test
  void the_printed_code_pairs_the_chat_it_is_sent_in_and_makes_the_sender_admin() {
    String code = pair("pair", "telegram", "--group", "main");
    assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("valid for 10 minutes"), buffer.toString(StandardCharsets.UTF_8));

    clock.advance(Duration.ofMinutes(9));
    assertInstanceOf(InboundOutcome.Dropped.class, send("100", "1", code));

    assertEquals("u-100", chat("100").adminUserId());
    assertTrue(replies.getFirst().text().startsWith("Paired: this chat now talks to Main"), replies.toString());
    assertInstanceOf(InboundOutcome.Stored.class, send("100", "2", "hello"), "the chat now reaches main");
    assertEquals(1, woken.size());
  }

  @Test
  void a_code_sent_after_it_expired_pairs_nothing_and_is_refused() {
    String code = pair("pair", "telegram", "--group", "main", "--expires", "2m");
    assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("valid for 2 minutes"), buffer.toString(StandardCharsets.UTF_8));

    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    InboundOutcome late = send("200", "1", code);

    assertEquals("a pairing code that is unknown, used or expired", assertInstanceOf(InboundOutcome.Dropped.class, late).reason());
    assertTrue(central.read(c -> MessagingGroups.find(c, "telegram", "200")).isEmpty(), "no chat was paired");
    assertTrue(replies.getFirst().text().startsWith("That pairing code is unknown, already used or expired"), replies.toString());
    assertTrue(woken.isEmpty());
  }

  @Test
  void a_code_for_one_channel_does_not_pair_a_chat_of_another() {
    String code = pair("pair", "slack", "--group", "main");

    assertInstanceOf(InboundOutcome.Dropped.class, send("300", "1", code));

    assertTrue(central.read(c -> MessagingGroups.find(c, "telegram", "300")).isEmpty());
  }
}
