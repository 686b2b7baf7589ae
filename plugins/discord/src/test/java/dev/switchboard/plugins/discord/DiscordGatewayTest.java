package dev.switchboard.plugins.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.FakeChannelContext;
import dev.switchboard.plugin.testkit.PlatformMessage;
import dev.switchboard.plugin.testkit.ReceivedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real JDA against the fake Discord: sessions, reconnects, catch-up, failures and the rest. */
class DiscordGatewayTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int MESSAGE_CONTENT = 1 << 15;

  @TempDir Path folder;

  private FakeDiscord discord;
  private FakeChannelContext context;
  private ScriptedContext scripted;
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicInteger outboundIds = new AtomicInteger();

  @BeforeEach
  void startDiscord() {
    discord = new FakeDiscord();
    context = new FakeChannelContext(folder.resolve("channel"));
    scripted = new ScriptedContext(context);
  }

  @AfterEach
  void closeEverything() {
    channels.forEach(Channel::close);
    discord.close();
  }

  @Test
  void messages_posted_while_the_channel_was_stopped_are_caught_up_once_after_a_restart() throws Exception {
    Channel first = start(Map.of());
    String seen = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "before"));
    context.awaitStored(seen, TIMEOUT);
    first.close();

    String whileDown1 = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "while down 1"));
    String whileDown2 = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "while down 2"));
    start(Map.of());

    context.awaitStored(whileDown2, TIMEOUT);
    assertEquals(List.of(seen, whileDown1, whileDown2), storedIds(), "each once, in order");
    assertEquals("while down 1", context.stored().get(1).text());
  }

  @Test
  void the_catch_up_takes_the_newest_messages_up_to_the_cap_and_skips_the_older_ones() throws Exception {
    Channel first = start(Map.of());
    String before = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "before"));
    context.awaitStored(before, TIMEOUT);
    first.close();
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      missed.add(discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "missed " + i)));
    }

    start(Map.of("catchUp.maxMessages", "3"));

    context.awaitStored(missed.get(4), TIMEOUT);
    String live = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "live"));
    context.awaitStored(live, TIMEOUT);
    assertEquals(List.of(before, missed.get(2), missed.get(3), missed.get(4), live), storedIds(), "the newest 3, in order");
  }

  @Test
  void the_catch_up_leaves_out_messages_older_than_the_age_limit() throws Exception {
    Instant now = Instant.now();
    Channel first = start(Map.of("catchUp.maxAge", "1h"));
    String old = discord.post(written(now.minus(Duration.ofHours(3)), "taken live, three hours late"));
    context.awaitStored(old, TIMEOUT);
    first.close();
    discord.post(written(now.minus(Duration.ofHours(2)), "newer than the last one stored, but too old"));
    String recent = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "recent"));

    start(Map.of("catchUp.maxAge", "1h"));

    context.awaitStored(recent, TIMEOUT);
    assertEquals(List.of(old, recent), storedIds());
  }

  @Test
  void a_chat_with_nothing_stored_and_a_thread_opened_while_away_are_caught_up_from_the_first_start() throws Exception {
    discord.post(written(Instant.now().minus(Duration.ofMinutes(1)), "before the bot ever ran"));
    Channel first = start(Map.of());
    first.close();
    String whileAway = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "while away"));
    String thread = discord.createThread("opened while away");
    String inThread = discord.post(discord.userMessage(thread, "in the new thread"));

    start(Map.of());

    InboundEvent threadEvent = context.awaitStored(inThread, TIMEOUT);
    assertEquals(FakeDiscord.TEXT_CHANNEL, threadEvent.platformId());
    assertEquals(thread, threadEvent.threadId());
    assertEquals(List.of(whileAway, inThread), storedIds(), "nothing from before the first start");
  }

  @Test
  void a_message_both_replayed_by_the_resume_and_fetched_from_history_is_stored_once() throws Exception {
    start(Map.of());
    String before = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "stored before the cut"));
    context.awaitStored(before, TIMEOUT);
    discord.disconnect();
    DataObject missed = discord.userMessage(FakeDiscord.TEXT_CHANNEL, "during the cut");
    // The replayed copy meets a store that fails for a moment; the catch-up's copy is stored.
    scripted.refuseOnce(missed.getString("id"));
    discord.post(missed);

    context.awaitStored(missed.getString("id"), TIMEOUT);
    discord.await("the session was resumed", TIMEOUT, () -> discord.resumes() == 1);
    String after = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "after"));
    context.awaitStored(after, TIMEOUT);

    assertEquals(List.of(before, missed.getString("id"), after), storedIds());
    assertEquals(
        2,
        context.submitted().stream().filter(e -> missed.getString("id").equals(e.messageId())).count(),
        "handed over twice: from the replay, then from history");
    assertEquals(1, discord.sessionCount(), "resumed, not identified again");
  }

  @Test
  void a_forced_disconnect_is_resumed_and_what_was_missed_arrives_once() throws Exception {
    start(Map.of());
    discord.disconnect();
    String missed = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "during the cut"));

    context.awaitStored(missed, TIMEOUT);
    discord.await("the session was resumed", TIMEOUT, () -> discord.resumes() == 1);
    String after = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "after"));
    context.awaitStored(after, TIMEOUT);

    assertEquals(List.of(missed, after), storedIds());
    assertEquals(1, discord.sessionCount(), "resumed, not identified again");
  }

  @Test
  void when_the_resume_is_refused_the_missed_messages_come_from_history() throws Exception {
    start(Map.of());
    context.awaitStored(discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "first")), TIMEOUT);
    discord.refuseResume();
    discord.keepOut(true);
    discord.disconnect();
    String missed = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "never replayed"));
    discord.keepOut(false);

    context.awaitStored(missed, TIMEOUT);

    assertEquals(2, discord.sessionCount(), "a new session after the refused resume");
    assertEquals(2, context.stored().size());
    assertTrue(discord.unknownRequests().stream().anyMatch(r -> r.startsWith("history " + FakeDiscord.TEXT_CHANNEL)));
  }

  @Test
  void discord_errors_are_classified_once() throws Exception {
    start(Map.of());

    discord.failNext(new FakeDiscord.Failure(404, 10003, "Unknown Channel", null));
    assertInstanceOf(Permanent.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("a")));
    discord.failNext(new FakeDiscord.Failure(403, 50001, "Missing Access", null));
    assertInstanceOf(Permanent.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("b")));
    discord.failNext(new FakeDiscord.Failure(403, 50013, "Missing Permissions", null));
    assertInstanceOf(Permanent.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Edit("1", "c")));
    discord.failNext(new FakeDiscord.Failure(500, 0, "500: Internal Server Error", null));
    assertInstanceOf(Transient.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("d")));
    discord.failNext(new FakeDiscord.Failure(429, 0, "You are being rate limited.", Duration.ofSeconds(3)));
    RateLimited limited =
        assertInstanceOf(RateLimited.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Reaction("1", "👍")));
    assertEquals(Duration.ofSeconds(3), limited.retryAfter());
    assertInstanceOf(Permanent.class, deliver("399999999999999999", null, new OutboundContent.Text("nowhere")));
  }

  @Test
  void a_retried_delivery_is_not_doubled_thanks_to_the_nonce() throws Exception {
    start(Map.of());
    OutboundMessage message =
        new OutboundMessage("out-same", 3, FakeDiscord.TEXT_CHANNEL, null, null, new OutboundContent.Text("once"), 1);

    String firstId = assertInstanceOf(Delivered.class, channels.getFirst().deliver(message)).platformMessageId();
    OutboundMessage retry = new OutboundMessage("out-same", 3, FakeDiscord.TEXT_CHANNEL, null, null, new OutboundContent.Text("once"), 2);
    String secondId = assertInstanceOf(Delivered.class, channels.getFirst().deliver(retry)).platformMessageId();

    assertEquals(firstId, secondId);
    assertEquals(1, discord.received().size());
  }

  @Test
  void a_reply_carries_a_message_reference_and_a_custom_emoji_reaction_is_sent() throws Exception {
    start(Map.of());
    String inbound = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "hi"));
    context.awaitStored(inbound, TIMEOUT);

    OutboundMessage reply =
        new OutboundMessage("out-r", 3, FakeDiscord.TEXT_CHANNEL, null, inbound, new OutboundContent.Text("hello"), 1);
    String replyId = assertInstanceOf(Delivered.class, channels.getFirst().deliver(reply)).platformMessageId();
    assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Reaction(inbound, "party")));
    assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Reaction(inbound, "<:party:500000000000000001>")));

    assertEquals(inbound, discord.storedMessage(replyId).getObject("message_reference").getString("message_id"));
    List<String> emojis = discord.received().stream().filter(m -> m.kind() == ReceivedMessage.Kind.REACTION).map(ReceivedMessage::emoji).toList();
    assertEquals(List.of("party:" + FakeDiscord.CUSTOM_EMOJI_ID, "party:" + FakeDiscord.CUSTOM_EMOJI_ID), emojis);
  }

  @Test
  void an_edit_over_2000_characters_is_cut_to_one_message_ending_in_an_ellipsis() throws Exception {
    start(Map.of());
    String id = assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("draft"))).platformMessageId();

    assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Edit(id, "word ".repeat(600))));

    ReceivedMessage edit = discord.received().getLast();
    assertEquals(ReceivedMessage.Kind.EDIT, edit.kind());
    assertTrue(edit.text().length() <= 2000, "length " + edit.text().length());
    assertTrue(edit.text().endsWith("word…"), edit.text().substring(edit.text().length() - 10));
  }

  @Test
  void a_button_press_is_acknowledged_with_the_message_showing_the_choice() throws Exception {
    start(Map.of());
    OutboundContent.Question question =
        new OutboundContent.Question("q-7", null, "Lunch?", List.of(new OutboundContent.Option("Pizza", "pizza"), new OutboundContent.Option("Soup", "soup")));
    String id = assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, question)).platformMessageId();

    discord.pressButton(ReceivedMessage.question(FakeDiscord.TEXT_CHANNEL, null, id, "Lunch?", List.of()), "Soup", discord.user());

    assertEquals("soup", context.awaitAnswer("q-7", TIMEOUT).value());
    discord.await("the press was acknowledged", TIMEOUT, () -> !discord.interactionCallbacks().isEmpty());
    DataObject callback = discord.interactionCallbacks().getFirst();
    assertEquals(7, callback.getInt("type"), "UPDATE_MESSAGE");
    assertTrue(callback.getObject("data").getString("content").contains("**Soup** (chosen by Ada)"));
    assertEquals(0, callback.getObject("data").getArray("components").length(), "the buttons are gone");
  }

  @Test
  void a_press_is_acknowledged_in_time_while_the_store_is_slow_and_the_message_shows_the_choice_after() throws Exception {
    start(Map.of());
    OutboundContent.Question question =
        new OutboundContent.Question("q-slow", null, "Lunch?", List.of(new OutboundContent.Option("Pizza", "pizza"), new OutboundContent.Option("Soup", "soup")));
    String id = assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, question)).platformMessageId();
    scripted.holdAnswers();

    long pressed = System.nanoTime();
    discord.pressButton(ReceivedMessage.question(FakeDiscord.TEXT_CHANNEL, null, id, "Lunch?", List.of()), "Soup", discord.user());

    discord.await("the press was acknowledged", TIMEOUT, () -> !discord.interactionCallbacks().isEmpty());
    Duration took = Duration.ofNanos(discord.callbackArrivals().getFirst() - pressed);
    assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "acknowledged after " + took);
    assertEquals(6, discord.interactionCallbacks().getFirst().getInt("type"), "DEFERRED_UPDATE_MESSAGE");
    assertEquals(List.of(), context.answers(), "the store is still held");

    scripted.releaseAnswers();

    assertEquals("soup", context.awaitAnswer("q-slow", TIMEOUT).value());
    discord.await("the question message was updated", TIMEOUT, () -> !discord.originalEdits().isEmpty());
    DataObject edit = discord.originalEdits().getFirst();
    assertTrue(edit.getString("content").contains("**Soup** (chosen by Ada)"), edit.toString());
    assertEquals(0, edit.getArray("components").length(), "the buttons are gone");
    assertEquals(1, discord.interactionCallbacks().size(), "acknowledged once");
  }

  @Test
  void the_bots_own_and_other_bots_messages_are_ignored_by_default() throws Exception {
    start(Map.of());
    assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("from the bot")));
    DataObject fromBot = FakeDiscord.message(discord.nextId(), FakeDiscord.TEXT_CHANNEL, FakeDiscord.GUILD,
        FakeDiscord.user(FakeDiscord.OTHER_BOT_ID, "Other", true), "beep");
    discord.post(fromBot);
    String person = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "a person"));

    context.awaitStored(person, TIMEOUT);

    assertEquals(List.of(person), storedIds());
  }

  @Test
  void other_bots_are_heard_when_allowed() throws Exception {
    start(Map.of("botMessages", "allow"));
    String fromBot = discord.post(FakeDiscord.message(discord.nextId(), FakeDiscord.TEXT_CHANNEL, FakeDiscord.GUILD,
        FakeDiscord.user(FakeDiscord.OTHER_BOT_ID, "Other", true), "beep"));

    InboundEvent event = context.awaitStored(fromBot, TIMEOUT);

    assertTrue(event.sender().bot());
  }

  @Test
  void a_mention_of_the_bots_role_addresses_it_and_chat_names_reach_the_gateway() throws Exception {
    start(Map.of());
    DataObject message = discord.userMessage(FakeDiscord.TEXT_CHANNEL, "<@&" + FakeDiscord.BOT_ROLE + "> help");
    message.put("mention_roles", DataArray.empty().add(FakeDiscord.BOT_ROLE));

    InboundEvent event = context.awaitStored(discord.post(message), TIMEOUT);
    InboundEvent direct = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.DM_CHANNEL, discord.user(), "psst").asDirect()), TIMEOUT);

    assertTrue(event.addressing().mention());
    assertEquals(new InboundEvent.ChatInfo("Test Server #general", true), event.chat());
    assertEquals(new InboundEvent.ChatInfo("DM with Ada", false), direct.chat());
  }

  @Test
  void a_reply_to_one_of_the_bots_messages_addresses_it() throws Exception {
    start(Map.of());
    String fromBot = assertInstanceOf(Delivered.class, deliver(FakeDiscord.TEXT_CHANNEL, null, new OutboundContent.Text("Anything else?"))).platformMessageId();
    String fromPerson = discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "not a reply"));

    InboundEvent reply = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "yes, one more").replyingTo(fromBot)), TIMEOUT);
    InboundEvent replyToPerson = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "me too").replyingTo(fromPerson)), TIMEOUT);

    assertEquals(new InboundEvent.Addressing(false, false, true), reply.addressing());
    assertEquals(fromBot, reply.replyTo().messageId());
    assertEquals("Anything else?", reply.replyTo().text());
    assertEquals(new InboundEvent.Addressing(false, false, false), replyToPerson.addressing());
  }

  @Test
  void an_attachment_over_the_size_limit_is_not_downloaded_and_the_message_says_so() throws Exception {
    start(Map.of("maxAttachmentBytes", "100"));
    byte[] large = new byte[1000];
    byte[] small = new byte[50];

    InboundEvent withLarge = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "the report")
        .with(new PlatformMessage.Attachment("report.pdf", "application/pdf", large))), TIMEOUT);
    assertEquals(0, discord.downloadCount(), "not downloaded");
    InboundEvent withSmall = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "the note")
        .with(new PlatformMessage.Attachment("note.txt", "text/plain", small))), TIMEOUT);

    assertEquals(List.of(), withLarge.attachments());
    assertEquals("the report\n[file report.pdf (1000 bytes) not downloaded: larger than 100 bytes]", withLarge.text());
    assertEquals(1, withSmall.attachments().size(), "a file within the limit still is");
    assertEquals(1, discord.downloadCount());
  }

  @Test
  void a_message_in_a_thread_belongs_to_the_messaging_group_of_its_channel_and_names_it() throws Exception {
    start(Map.of());

    InboundEvent event = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "in the thread").inThread(FakeDiscord.THREAD)), TIMEOUT);

    assertEquals(FakeDiscord.TEXT_CHANNEL, event.platformId());
    assertEquals(FakeDiscord.THREAD, event.threadId());
    assertEquals(new InboundEvent.ChatInfo("Test Server #general", true), event.chat());
  }

  @Test
  void only_the_intents_the_channel_needs_are_requested() throws Exception {
    int guilds = 1;
    int guildMessages = 1 << 9;
    int directMessages = 1 << 12;
    Channel withContent = start(Map.of());
    withContent.close();
    start(Map.of("messageContent", "false"));

    assertEquals(List.of(guilds | guildMessages | directMessages | MESSAGE_CONTENT, guilds | guildMessages | directMessages), discord.identifiedIntents());
  }

  @Test
  void a_dm_is_answered_after_a_restart_through_the_person() throws Exception {
    Channel first = start(Map.of());
    context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.DM_CHANNEL, discord.user(), "hello").asDirect()), TIMEOUT);
    first.close();

    start(Map.of());

    assertInstanceOf(Delivered.class, deliver(FakeDiscord.DM_CHANNEL, null, new OutboundContent.Text("still here")));
    assertEquals("still here", discord.received().getLast().text());
  }

  @Test
  void typing_shows_the_indicator() throws Exception {
    Channel channel = start(Map.of());

    channel.typing(FakeDiscord.TEXT_CHANNEL, FakeDiscord.THREAD);

    discord.await("the typing indicator was sent", TIMEOUT, () -> discord.typingCount() == 1);
  }

  @Test
  void without_the_message_content_intent_the_channel_says_so_and_still_reads_mentions() throws Exception {
    discord.refuseMessageContent();

    Channel channel = start(Map.of());

    assertTrue(channel.problem().orElseThrow().contains("Message Content"), channel.problem().toString());
    List<Integer> intents = discord.identifiedIntents();
    assertTrue((intents.getFirst() & (1 << 15)) != 0, "asked for Message Content first");
    assertFalse((intents.getLast() & (1 << 15)) != 0, "then went on without it");
    InboundEvent event = context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "hey").mentioningTheBot()), TIMEOUT);
    assertTrue(event.addressing().mention());
  }

  @Test
  void a_message_content_refusal_after_the_ready_timeout_is_handled_and_dms_and_mentions_still_arrive() throws Exception {
    discord.keepOut(true);
    Channel channel = start(Map.of("readyTimeout", "300ms"));
    assertEquals(Optional.of("connecting to the Discord gateway"), channel.problem(), "start gave up waiting");
    discord.refuseMessageContent();
    discord.keepOut(false);

    awaitConnectedWithoutMessageContent();

    assertTrue(channel.problem().orElseThrow().contains("Message Content"), channel.problem().toString());
    assertReadsDirectMessagesAndMentions();
  }

  @Test
  void a_message_content_refusal_on_a_later_reconnect_is_handled_and_dms_and_mentions_still_arrive() throws Exception {
    Channel channel = start(Map.of());
    context.awaitStored(discord.post(discord.userMessage(FakeDiscord.TEXT_CHANNEL, "read in full")), TIMEOUT);
    assertEquals(Optional.empty(), channel.problem());
    // The intent is switched off in the developer portal; the next new session is refused.
    discord.refuseMessageContent();
    discord.refuseResume();
    discord.disconnect();

    awaitConnectedWithoutMessageContent();

    assertTrue(channel.problem().orElseThrow().contains("Message Content"), channel.problem().toString());
    assertReadsDirectMessagesAndMentions();
    assertEquals("read in full", context.stored().getFirst().text());
  }

  private void awaitConnectedWithoutMessageContent() throws InterruptedException {
    discord.await(
        "the bot is connected again without the Message Content intent",
        TIMEOUT,
        () -> discord.connected() && (discord.identifiedIntents().getLast() & MESSAGE_CONTENT) == 0);
  }

  private void assertReadsDirectMessagesAndMentions() {
    InboundEvent direct =
        context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.DM_CHANNEL, discord.user(), "psst").asDirect()), TIMEOUT);
    InboundEvent mention =
        context.awaitStored(discord.send(PlatformMessage.plain(FakeDiscord.TEXT_CHANNEL, discord.user(), "hey").mentioningTheBot()), TIMEOUT);

    assertEquals("psst", direct.text());
    assertTrue(direct.addressing().direct());
    assertTrue(mention.text().endsWith("hey"), mention.text());
    assertTrue(mention.addressing().mention());
  }

  private Channel start(Map<String, String> extra) throws Exception {
    Map<String, String> values = new HashMap<>(discord.settings());
    values.putAll(extra);
    Channel channel = new DiscordChannelFactory().create(Settings.of("channels.discord", values), scripted);
    channels.add(channel);
    channel.start();
    return channel;
  }

  private DeliveryResult deliver(String chat, String thread, OutboundContent content) {
    int n = outboundIds.incrementAndGet();
    return channels.getLast().deliver(new OutboundMessage("gw-" + n, 2L * n + 1, chat, thread, null, content, 1));
  }

  private DataObject written(Instant time, String text) {
    return FakeDiscord.message(discord.idAt(time), FakeDiscord.TEXT_CHANNEL, FakeDiscord.GUILD,
        FakeDiscord.user(FakeDiscord.USER_ID, "Ada", false), text);
  }

  private List<String> storedIds() {
    return context.stored().stream().map(InboundEvent::messageId).toList();
  }
}
