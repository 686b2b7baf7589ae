package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.Administration;
import dev.switchboard.admin.Administration.WiringOptions;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.SessionFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router on real SQLite files: wirings, session modes, drops and redeliveries. */
class RouterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private CentralDb central;
  private SessionFiles files;
  private Administration admin;
  private Router router;
  private final List<String> woken = new ArrayList<>();

  @BeforeEach
  void open() {
    central = CentralDb.open(dataDir.resolve("switchboard.db"));
    files = new SessionFiles(dataDir);
    admin = new Administration(central, Clock.systemUTC());
    router = new Router(central, files, Clock.systemUTC(), woken::add);
    admin.putGroup("main", "Main", "echo", false, null);
    admin.putGroup("helper", "Helper", "echo", false, null);
  }

  @AfterEach
  void close() {
    central.close();
  }

  private static InboundEvent message(String chat, String thread, String id, String text) {
    return InboundEvent.builder(chat, new InboundEvent.Sender("u1", "Ada"), text)
        .threadId(thread)
        .messageId(id)
        .build();
  }

  private static WiringOptions options(String mode, int priority, String rules) {
    return new WiringOptions(mode, "all", priority, rules);
  }

  @Test
  void stores_a_message_with_an_even_seq_and_the_contract_content() throws Exception {
    admin.wire("webhook", "demo", "main", options("shared", 0, null));
    InboundOutcome outcome = router.route("webhook", message("demo", null, "m-1", "hello"));
    InboundOutcome.Stored stored = assertInstanceOf(InboundOutcome.Stored.class, outcome);
    assertEquals(1, stored.sessionIds().size());
    assertEquals(stored.sessionIds(), woken);
    List<Row> rows = rows(stored.sessionIds().get(0));
    assertEquals(1, rows.size());
    Row row = rows.get(0);
    assertEquals("m-1", row.id());
    assertEquals(2, row.seq());
    assertEquals("chat", row.kind());
    assertEquals("pending", row.status());
    assertEquals("webhook", row.channelType());
    assertEquals("demo", row.platformId());
    JsonNode content = JSON.readTree(row.content());
    assertEquals("hello", content.get("text").asText());
    assertEquals("u1", content.get("senderId").asText());
    assertEquals("Ada", content.get("sender").asText());
    assertTrue(row.timestamp().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), row.timestamp());
  }

  @Test
  void a_redelivered_message_is_not_stored_twice() throws Exception {
    admin.wire("webhook", "demo", "main", options("shared", 0, null));
    String session = ((InboundOutcome.Stored) router.route("webhook", message("demo", null, "m-1", "hello"))).sessionIds().get(0);
    InboundOutcome again = router.route("webhook", message("demo", null, "m-1", "hello"));
    assertInstanceOf(InboundOutcome.Duplicate.class, again);
    router.route("webhook", message("demo", null, "m-2", "second"));
    List<Row> rows = rows(session);
    assertEquals(List.of("m-1", "m-2"), rows.stream().map(Row::id).toList());
    assertEquals(List.of(2L, 4L), rows.stream().map(Row::seq).toList());
  }

  @Test
  void shared_mode_keeps_one_session_per_chat() {
    admin.wire("webhook", "a", "main", options("shared", 0, null));
    admin.wire("webhook", "b", "main", options("shared", 0, null));
    String a1 = sessionOf(router.route("webhook", message("a", "t1", "1", "x")));
    String a2 = sessionOf(router.route("webhook", message("a", "t2", "2", "x")));
    String b = sessionOf(router.route("webhook", message("b", null, "3", "x")));
    assertEquals(a1, a2);
    assertNotEquals(a1, b);
  }

  @Test
  void per_thread_mode_keeps_one_session_per_thread_and_a_shared_one_outside_threads() {
    admin.wire("webhook", "a", "main", options("per-thread", 0, null));
    String t1 = sessionOf(router.route("webhook", message("a", "t1", "1", "x")));
    String t1again = sessionOf(router.route("webhook", message("a", "t1", "2", "x")));
    String t2 = sessionOf(router.route("webhook", message("a", "t2", "3", "x")));
    String none = sessionOf(router.route("webhook", message("a", null, "4", "x")));
    String noneAgain = sessionOf(router.route("webhook", message("a", null, "5", "x")));
    assertEquals(t1, t1again);
    assertNotEquals(t1, t2);
    assertNotEquals(t1, none);
    assertEquals(none, noneAgain);
  }

  @Test
  void agent_shared_mode_uses_one_session_across_chats_and_keeps_colliding_ids_apart() throws Exception {
    admin.wire("webhook", "a", "main", options("agent-shared", 0, null));
    admin.wire("webhook", "b", "main", options("agent-shared", 0, null));
    String fromA = sessionOf(router.route("webhook", message("a", null, "m-1", "from a")));
    String fromB = sessionOf(router.route("webhook", message("b", null, "m-1", "from b")));
    assertEquals(fromA, fromB);
    List<Row> rows = rows(fromA);
    assertEquals(List.of("m-1", "webhook:b:m-1"), rows.stream().map(Row::id).toList());
    assertInstanceOf(InboundOutcome.Duplicate.class, router.route("webhook", message("b", null, "m-1", "from b")));
    try (Connection c = inbound(fromA)) {
      assertEquals("b", Jdbc.queryOne(c, "SELECT platform_id FROM session_routing", r -> r.getString(1)).orElseThrow(),
          "replies default to the chat of the latest message");
    }
  }

  @Test
  void a_new_chat_of_a_star_wiring_changes_the_routing_version_only_for_agent_shared_sessions() {
    admin.wire("webhook", "*", "main", options("shared", 0, null));
    long before = central.read(DestinationAcl::routingVersion);
    router.route("webhook", message("first-chat", null, "m-1", "hello"));
    assertEquals(before, central.read(DestinationAcl::routingVersion), "a shared session lists its own chat only");

    admin.wire("slack", "*", "main", options("agent-shared", 0, null));
    long shared = central.read(DestinationAcl::routingVersion);
    router.route("slack", message("C-new", null, "m-2", "hello"));
    assertEquals(
        shared + 1,
        central.read(DestinationAcl::routingVersion),
        "the running agent-shared sessions list the new chat: their destinations are rewritten");
  }

  @Test
  void an_integrator_event_is_stored_as_a_webhook_row_once_and_dropped_where_nothing_is_wired() throws Exception {
    admin.wire("webhook", "ops", "main", options("shared", 0, null));
    IntegratorEvent event =
        new IntegratorEvent("ops", null, "ev-1", "ci", "deployed", "{\"version\":\"1.2\"}", Instant.parse("2026-01-01T00:00:00Z"));

    String session = sessionOf(router.event("webhook", event));

    List<Row> rows = rows(session);
    assertEquals(List.of("ev-1"), rows.stream().map(Row::id).toList());
    try (Connection c = inbound(session)) {
      assertEquals("webhook", Jdbc.queryOne(c, "SELECT kind FROM messages_in", r -> r.getString(1)).orElseThrow());
      JsonNode content = JSON.readTree(Jdbc.queryOne(c, "SELECT content FROM messages_in", r -> r.getString(1)).orElseThrow());
      assertEquals("ci", content.get("source").asText());
      assertEquals("deployed", content.get("event").asText());
      assertEquals("1.2", content.get("payload").get("version").asText());
    }
    assertInstanceOf(InboundOutcome.Duplicate.class, router.event("webhook", event));
    InboundOutcome elsewhere =
        router.event("webhook", new IntegratorEvent("nowhere", null, "ev-2", "ci", "x", "1", Instant.now()));
    assertInstanceOf(InboundOutcome.Dropped.class, elsewhere);
  }

  @Test
  void every_engaged_wiring_gets_the_message_highest_priority_first_until_stop_on_match() {
    admin.wire("webhook", "demo", "main", options("shared", 1, null));
    admin.wire("webhook", "demo", "helper", options("shared", 5, null));
    InboundOutcome.Stored both = (InboundOutcome.Stored) router.route("webhook", message("demo", null, "1", "x"));
    assertEquals(2, both.sessionIds().size());
    assertEquals(groupOf(both.sessionIds().get(0)), "helper", "higher priority first");

    admin.wire("webhook", "demo", "helper", options("shared", 5, "{\"pattern\":\"^!\",\"stopOnMatch\":true}"));
    InboundOutcome.Stored stopped = (InboundOutcome.Stored) router.route("webhook", message("demo", null, "2", "!cmd"));
    assertEquals(1, stopped.sessionIds().size());
    assertEquals("helper", groupOf(stopped.sessionIds().get(0)));
    InboundOutcome.Stored fallthrough = (InboundOutcome.Stored) router.route("webhook", message("demo", null, "3", "plain"));
    assertEquals(1, fallthrough.sessionIds().size());
    assertEquals("main", groupOf(fallthrough.sessionIds().get(0)));
  }

  @Test
  void a_message_no_wiring_takes_is_recorded_as_dropped_with_the_reason() {
    InboundOutcome unwired = router.route("webhook", message("lonely", null, "m-1", "anyone?"));
    InboundOutcome.Dropped dropped = assertInstanceOf(InboundOutcome.Dropped.class, unwired);
    assertEquals("no agent group is wired to this chat", dropped.reason());

    admin.wire("webhook", "quiet", "main", options("shared", 0, "{\"mentionOnly\":true}"));
    InboundOutcome declined = router.route("webhook", message("quiet", null, "m-2", "not for the bot"));
    assertTrue(((InboundOutcome.Dropped) declined).reason().contains("does not address the bot"));
    InboundOutcome addressed =
        router.route(
            "webhook",
            InboundEvent.builder("quiet", new InboundEvent.Sender("u1", null), "hey bot")
                .messageId("m-3").addressing(new Addressing(true, false, false)).build());
    assertInstanceOf(InboundOutcome.Stored.class, addressed);

    List<String> reasons = central.read(c -> Jdbc.query(c, "SELECT message_id || ': ' || reason FROM dropped_messages ORDER BY message_id", r -> r.getString(1)));
    assertEquals(2, reasons.size());
    assertTrue(reasons.get(0).startsWith("m-1: no agent group"));
    assertTrue(woken.size() == 1, "only the stored message woke an agent");
  }

  @Test
  void new_chats_get_the_channel_default_wirings_and_chat_names() {
    admin.wire("webhook", "*", "main", options("shared", 0, null));
    InboundEvent event =
        InboundEvent.builder("fresh", new InboundEvent.Sender("u1", null), "hi")
            .messageId("1").chat(new InboundEvent.ChatInfo("Fresh chat", true)).build();
    assertInstanceOf(InboundOutcome.Stored.class, router.route("webhook", event));
    List<String> names = central.read(c -> Jdbc.query(c, "SELECT name || ':' || is_group FROM messaging_groups WHERE platform_id = 'fresh'", r -> r.getString(1)));
    assertEquals(List.of("Fresh chat:1"), names);
  }

  @Test
  void a_message_without_a_chat_name_keeps_the_name_known_from_before() {
    admin.wire("webhook", "*", "main", options("shared", 0, null));
    router.route(
        "webhook",
        InboundEvent.builder("named", new InboundEvent.Sender("u1", null), "hi")
            .messageId("1").chat(new InboundEvent.ChatInfo("Team room", true)).build());

    router.route(
        "webhook",
        InboundEvent.builder("named", new InboundEvent.Sender("u1", null), "again")
            .messageId("2").chat(new InboundEvent.ChatInfo(null, true)).build());
    router.route(
        "webhook",
        InboundEvent.builder("named", new InboundEvent.Sender("u1", null), "and again")
            .messageId("3").build());

    List<String> names = central.read(c -> Jdbc.query(c, "SELECT name || ':' || is_group FROM messaging_groups WHERE platform_id = 'named'", r -> r.getString(1)));
    assertEquals(List.of("Team room:1"), names);
    router.route(
        "webhook",
        InboundEvent.builder("named", new InboundEvent.Sender("u1", null), "renamed")
            .messageId("4").chat(new InboundEvent.ChatInfo("New name", true)).build());
    List<String> renamed = central.read(c -> Jdbc.query(c, "SELECT name FROM messaging_groups WHERE platform_id = 'named'", r -> r.getString(1)));
    assertEquals(List.of("New name"), renamed, "a known new name still replaces the old one");
  }

  @Test
  void attachments_are_copied_into_the_session_inbox_without_path_tricks() throws Exception {
    admin.wire("webhook", "demo", "main", options("shared", 0, null));
    Path staged = Files.writeString(dataDir.resolve("staged.txt"), "file body");
    InboundEvent event =
        InboundEvent.builder("demo", new InboundEvent.Sender("u1", null), "see file")
            .messageId("../m-1")
            .attachment(new InboundEvent.Attachment("../../evil.txt", "text/plain", 9, staged))
            .build();
    String session = sessionOf(router.route("webhook", event));
    JsonNode content = JSON.readTree(rows(session).get(0).content());
    String localPath = content.get("attachments").get(0).get("localPath").asText();
    Path sessionDir = sessionDir(session);
    Path stored = sessionDir.resolve(localPath).normalize();
    assertTrue(stored.startsWith(sessionDir.resolve("inbox")), localPath);
    assertEquals("file body", Files.readString(stored));
  }

  @Test
  void a_pairing_code_wires_the_chat_makes_the_sender_admin_and_never_reaches_an_agent() {
    List<HostReply> replies = new ArrayList<>();
    Router pairingRouter =
        new Router(central, files, Clock.systemUTC(), woken::add, RoutingSettings.DEFAULTS, replies::add);
    String groupId = central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, "helper")).orElseThrow().id();
    String code = new Pairing(central, Clock.systemUTC()).newCode("telegram", groupId, java.time.Duration.ofMinutes(10));

    InboundOutcome paired =
        pairingRouter.route("telegram", InboundEvent.builder("chat-7", new InboundEvent.Sender("owner", "Olga"), "/start " + code.toLowerCase())
            .messageId("1").build());
    assertInstanceOf(InboundOutcome.Dropped.class, paired);
    assertTrue(woken.isEmpty(), "the code reached no agent");
    assertEquals(1, replies.size());
    assertTrue(replies.get(0).text().startsWith("Paired: this chat now talks to Helper"), replies.get(0).text());
    assertEquals("owner", central.read(c -> dev.switchboard.store.MessagingGroups.find(c, "telegram", "chat-7")).orElseThrow().adminUserId());

    InboundOutcome next = pairingRouter.route("telegram", message("chat-7", null, "2", "hello"));
    assertEquals("helper", groupOf(sessionOf(next)), "the chat is now wired to the group");

    InboundOutcome reused =
        pairingRouter.route("telegram", InboundEvent.builder("chat-8", new InboundEvent.Sender("someone", null), code).messageId("3").build());
    assertEquals("a pairing code that is unknown, used or expired", assertInstanceOf(InboundOutcome.Dropped.class, reused).reason());
    assertEquals(2, replies.size());
    assertEquals("chat-8", replies.get(1).platformId());
    assertTrue(replies.get(1).text().startsWith("That pairing code is unknown, already used or expired"), replies.get(1).text());
    assertTrue(central.read(c -> dev.switchboard.store.MessagingGroups.find(c, "telegram", "chat-8")).isEmpty(),
        "a used code pairs nothing");
  }

  @Test
  void a_redelivery_of_the_message_that_paired_changes_nothing_and_gets_no_second_reply() throws Exception {
    List<HostReply> replies = new ArrayList<>();
    Router pairingRouter =
        new Router(central, files, Clock.systemUTC(), woken::add, RoutingSettings.DEFAULTS, replies::add);
    String groupId = central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, "helper")).orElseThrow().id();
    String code = new Pairing(central, Clock.systemUTC()).newCode("telegram", groupId, java.time.Duration.ofMinutes(10));
    InboundEvent pairingMessage =
        InboundEvent.builder("chat-7", new InboundEvent.Sender("owner", "Olga"), code).messageId("41").build();
    assertInstanceOf(InboundOutcome.Dropped.class, pairingRouter.route("telegram", pairingMessage));

    // The platform sends the same message again: the chat is wired now, yet the code is not a message.
    InboundOutcome again = pairingRouter.route("telegram", pairingMessage);

    assertEquals(new InboundOutcome.Duplicate("41"), again);
    assertEquals(1, replies.size(), "one Paired reply, none for the redelivery: " + replies);
    assertTrue(woken.isEmpty(), "the code reached no agent");
    String session = sessionOf(pairingRouter.route("telegram", message("chat-7", null, "42", "hello")));
    assertEquals(List.of("42"), rows(session).stream().map(Row::id).toList(), "only the later message is stored");
  }

  @Test
  void code_shaped_text_in_a_wired_chat_is_refused_with_a_reply_and_never_reaches_the_agent() throws Exception {
    List<HostReply> replies = new ArrayList<>();
    Router pairingRouter =
        new Router(central, files, Clock.systemUTC(), woken::add, RoutingSettings.DEFAULTS, replies::add);
    admin.wire("telegram", "chat-7", "main", options("shared", 0, null));
    String groupId = central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, "helper")).orElseThrow().id();
    Pairing pairing = new Pairing(central, Clock.systemUTC());
    String expired = pairing.newCode("telegram", groupId, java.time.Duration.ofSeconds(-1));
    String used = pairing.newCode("telegram", groupId, java.time.Duration.ofMinutes(10));
    pairingRouter.route("telegram", message("chat-9", null, "1", used));
    replies.clear();

    List<String> texts = List.of(expired, "/pair " + used, "SB-ABCDEF");
    for (int i = 0; i < texts.size(); i++) {
      InboundOutcome outcome = pairingRouter.route("telegram", message("chat-7", null, "m" + i, texts.get(i)));
      assertEquals("a pairing code that is unknown, used or expired",
          assertInstanceOf(InboundOutcome.Dropped.class, outcome).reason(), texts.get(i));
    }

    assertTrue(woken.isEmpty(), "no code reached the agent of the wired chat");
    assertEquals(3, replies.size());
    for (HostReply reply : replies) {
      assertEquals("chat-7", reply.platformId());
      assertTrue(reply.text().contains("./switchboard pair telegram --group"), reply.text());
    }
    assertEquals(null, central.read(c -> dev.switchboard.store.MessagingGroups.find(c, "telegram", "chat-7")).orElseThrow().adminUserId(),
        "nothing was paired");
    InboundOutcome ordinary = pairingRouter.route("telegram", message("chat-7", null, "m9", "my code was " + expired));
    assertInstanceOf(InboundOutcome.Stored.class, ordinary, "text that only mentions a code is an ordinary message");
  }

  @Test
  void a_pairing_code_after_a_mention_of_the_bot_pairs_too() {
    String groupId = central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, "main")).orElseThrow().id();
    Pairing pairing = new Pairing(central, Clock.systemUTC());
    String first = pairing.newCode("discord", groupId, java.time.Duration.ofMinutes(5));
    String second = pairing.newCode("discord", groupId, java.time.Duration.ofMinutes(5));
    router.route("discord", message("chan-1", null, "1", "<@123456789> " + first));
    router.route("discord", message("chan-2", null, "2", "@Switchboard " + second));
    for (String chat : List.of("chan-1", "chan-2")) {
      assertEquals("u1", central.read(c -> dev.switchboard.store.MessagingGroups.find(c, "discord", chat)).orElseThrow().adminUserId(), chat);
    }
  }

  @Test
  void an_expired_or_other_channel_code_pairs_nothing() {
    String groupId = central.read(c -> dev.switchboard.store.AgentGroups.byFolder(c, "main")).orElseThrow().id();
    String expired = new Pairing(central, Clock.systemUTC()).newCode("telegram", groupId, java.time.Duration.ofSeconds(-1));
    String forSlack = new Pairing(central, Clock.systemUTC()).newCode("slack", groupId, java.time.Duration.ofMinutes(5));
    assertInstanceOf(InboundOutcome.Dropped.class, router.route("telegram", message("c", null, "1", expired)));
    assertInstanceOf(InboundOutcome.Dropped.class, router.route("telegram", message("c", null, "2", forSlack)));
    assertTrue(central.read(c -> dev.switchboard.store.MessagingGroups.find(c, "telegram", "c")).isEmpty(),
        "the codes were taken by the host: no chat was made or paired");
  }

  private String sessionOf(InboundOutcome outcome) {
    return assertInstanceOf(InboundOutcome.Stored.class, outcome).sessionIds().get(0);
  }

  private String groupOf(String sessionId) {
    return central.read(c -> Jdbc.queryOne(c, "SELECT g.folder FROM sessions s JOIN agent_groups g ON g.id = s.agent_group_id WHERE s.id = ?", r -> r.getString(1), sessionId)).orElseThrow();
  }

  private Path sessionDir(String sessionId) {
    String group = central.read(c -> Jdbc.queryOne(c, "SELECT agent_group_id FROM sessions WHERE id = ?", r -> r.getString(1), sessionId)).orElseThrow();
    return files.dir(group, sessionId);
  }

  private Connection inbound(String sessionId) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + sessionDir(sessionId).resolve("inbound.db"));
  }

  record Row(String id, long seq, String kind, String status, String channelType, String platformId, String timestamp, String content) {}

  private List<Row> rows(String sessionId) throws Exception {
    try (Connection c = inbound(sessionId)) {
      return Jdbc.query(c, "SELECT id, seq, kind, status, channel_type, platform_id, timestamp, content FROM messages_in ORDER BY seq",
          r -> new Row(r.getString(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8)));
    }
  }
}
