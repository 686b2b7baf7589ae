package dev.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.admin.Administration;
import dev.switchboard.admin.Administration.WiringOptions;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Jdbc;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.SessionFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's own rules before wirings: admin-only commands and the inbound file size limit. */
class ConversationRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private CentralDb central;
  private SessionFiles files;
  private Administration admin;
  private Router router;
  private final List<String> woken = new CopyOnWriteArrayList<>();
  private final List<HostReply> replies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    central = CentralDb.open(dataDir.resolve("switchboard.db"));
    files = new SessionFiles(dataDir);
    admin = new Administration(central, Clock.systemUTC());
    admin.putGroup("main", "Main", "echo", false, null);
    admin.wire("webhook", "ruled", "main", new WiringOptions("shared", "all", 0, null));
    admin.wire("webhook", "open", "main", new WiringOptions("shared", "all", 0, null));
    central.write(c -> {
      MessagingGroups.setAdmin(c, MessagingGroups.find(c, "webhook", "ruled").orElseThrow().id(), "u-admin");
      return null;
    });
    router =
        new Router(central, files, Clock.systemUTC(), woken::add,
            new RoutingSettings(Set.of("/clear", "/reset"), Duration.ofDays(7), 64), replies::add);
  }

  @AfterEach
  void tearDown() {
    central.close();
  }

  private static InboundEvent message(String chat, String sender, String id, String text) {
    return InboundEvent.builder(chat, new InboundEvent.Sender(sender, null), text).threadId("t-1").messageId(id).build();
  }

  private Path sessionDir(String sessionId) {
    String group = central.read(c -> Jdbc.queryOne(c, "SELECT agent_group_id FROM sessions WHERE id = ?", r -> r.getString(1), sessionId)).orElseThrow();
    return files.dir(group, sessionId);
  }

  private String content(String sessionId, String id) {
    return files.readInbound(sessionDir(sessionId), c -> Jdbc.queryOne(c, "SELECT content FROM messages_in WHERE id = ?", r -> r.getString(1), id)).orElseThrow();
  }

  @Test
  void an_admin_only_command_from_someone_else_is_refused_with_a_reply_and_stored_for_nobody() {
    InboundOutcome outcome = router.route("webhook", message("ruled", "u-guest", "m-1", "/clear"));

    assertEquals("Only this chat's admin can use /clear.", assertInstanceOf(InboundOutcome.Dropped.class, outcome).reason());
    assertEquals(
        List.of(new HostReply("webhook", "ruled", "t-1", "m-1", "Only this chat's admin can use /clear.")), replies);
    assertTrue(woken.isEmpty());
    long sessions = central.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM sessions"));
    assertEquals(0, sessions, "no agent saw it");

    InboundOutcome addressed = router.route("webhook", message("ruled", "u-guest", "m-2", "/reset@switchboard_bot now"));
    assertEquals("Only this chat's admin can use /reset.", ((InboundOutcome.Dropped) addressed).reason());
  }

  @Test
  void the_admin_may_use_it_and_so_may_anyone_in_a_chat_without_an_admin() {
    InboundOutcome byAdmin = router.route("webhook", message("ruled", "u-admin", "m-1", "/clear"));
    InboundOutcome elsewhere = router.route("webhook", message("open", "u-guest", "m-2", "/clear"));
    InboundOutcome other = router.route("webhook", message("ruled", "u-guest", "m-3", "/help"));

    String session = assertInstanceOf(InboundOutcome.Stored.class, byAdmin).sessionIds().get(0);
    assertInstanceOf(InboundOutcome.Stored.class, elsewhere);
    assertInstanceOf(InboundOutcome.Stored.class, other, "a command not on the list");
    assertTrue(content(session, "m-1").contains("\"text\":\"/clear\""));
    assertTrue(replies.isEmpty());
  }

  @Test
  void an_attachment_over_the_limit_is_listed_with_an_error_not_copied_and_the_sender_is_told() throws Exception {
    Path big = Files.write(dataDir.resolve("big.bin"), new byte[65]);
    Path small = Files.writeString(dataDir.resolve("small.txt"), "fits");
    InboundEvent event =
        InboundEvent.builder("open", new InboundEvent.Sender("u1", null), "two files")
            .messageId("m-1")
            .attachment(new InboundEvent.Attachment("big.bin", "application/octet-stream", 65, big))
            .attachment(new InboundEvent.Attachment("small.txt", "text/plain", 4, small))
            .build();

    InboundOutcome outcome = router.route("webhook", event);

    String session = assertInstanceOf(InboundOutcome.Stored.class, outcome).sessionIds().get(0);
    JsonNode attachments = JSON.readTree(content(session, "m-1")).get("attachments");
    assertEquals(2, attachments.size());
    JsonNode refused = attachments.get(0);
    assertEquals("big.bin", refused.get("name").asText());
    assertFalse(refused.has("localPath"));
    assertTrue(refused.get("error").asText().contains("over the limit of 64 bytes"), refused.toString());
    JsonNode kept = attachments.get(1);
    assertFalse(kept.has("error"));
    assertEquals("fits", Files.readString(sessionDir(session).resolve(kept.get("localPath").asText())));
    assertFalse(Files.exists(sessionDir(session).resolve("inbox").resolve("m-1").resolve("big.bin")));
    assertEquals(1, replies.size());
    HostReply reply = replies.get(0);
    assertEquals("open", reply.platformId());
    assertEquals("m-1", reply.replyToMessageId());
    assertTrue(reply.text().contains("big.bin") && reply.text().contains("64 bytes"), reply.text());
  }
}
