package dev.switchboard.plugin.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelFactory;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.Settings;
import dev.switchboard.plugin.testkit.PlatformDriver.Feature;
import dev.switchboard.plugin.testkit.ReceivedMessage.Kind;
import dev.switchboard.plugin.testkit.ReceivedMessage.ReceivedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks every channel plugin passes, run against the plugin's own channel and its own fake of
 * the platform. A plugin's test class extends it and says how to make the channel and the platform:
 *
 * <pre>{@code
 * class TelegramConformanceTest extends ChannelConformanceSuite<FakeBotApi> {
 *   protected ChannelFactory factory() { return new TelegramChannelFactory(); }
 *   protected FakeBotApi startPlatform(Path folder) { return FakeBotApi.start(); }
 *   protected Map<String, String> settings(FakeBotApi api) {
 *     return Map.of("token", "123:abc", "apiUrl", api.url());
 *   }
 * }
 * }</pre>
 *
 * <p>Checks of an outbound kind the channel does not claim in {@link Channel#capabilities()}, or of
 * an inbound feature its platform lacks ({@link PlatformDriver#features()}), are skipped, and the
 * skip names the capability or feature.
 *
 * <p>Each test gets a new platform, a new {@link FakeChannelContext} over a new data folder, and
 * channels made from {@link #settings} as the gateway makes them (section {@code channels.<type>}).
 *
 * @param <P> the plugin's platform driver
 */
public abstract class ChannelConformanceSuite<P extends PlatformDriver> {
  private static final String QUESTION_ID = "q-conformance";

  @TempDir Path folder;

  private P platform;
  private FakeChannelContext context;
  private Channel channel;
  private final List<Channel> made = new ArrayList<>();
  private final AtomicInteger outboundIds = new AtomicInteger();

  /** The factory of the channel under test. */
  protected abstract ChannelFactory factory();

  /** Starts a fresh fake of the platform; {@code folder} is its own, empty, for files it keeps. */
  protected abstract P startPlatform(Path folder) throws Exception;

  /** The channel's settings (its config section's keys), pointing it at {@code platform}. */
  protected abstract Map<String, String> settings(P platform);

  /** How long to wait for the channel to hand over an event or for its threads to end. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  protected final P platform() {
    return platform;
  }

  protected final FakeChannelContext context() {
    return context;
  }

  @BeforeEach
  final void startThePlatform() throws Exception {
    platform = startPlatform(Files.createDirectories(folder.resolve("platform")));
    context = new FakeChannelContext(folder.resolve("channel"));
  }

  @AfterEach
  final void closeTheChannelsAndThePlatform() throws Exception {
    List.copyOf(made).forEach(this::close);
    platform.close();
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void a_channel_that_never_started_closes_quietly() {
    Channel unstarted = newChannel();

    assertDoesNotThrow(() -> close(unstarted));
  }

  @Test
  void a_started_channel_takes_a_message_and_delivers_a_reply() throws Exception {
    String chat = platform.groupChat();
    InboundEvent in = receive(PlatformMessage.plain(chat, platform.user(), "hello"));

    DeliveryResult result = deliver(chat, null, new Text("echo: hello"), in.messageId());

    assertInstanceOf(Delivered.class, result);
    assertEquals(List.of("echo: hello"), texts(received(chat, Kind.TEXT)));
  }

  @Test
  void a_channel_restarted_over_its_data_folder_works_again() throws Exception {
    String chat = platform.groupChat();
    String first = receive(PlatformMessage.plain(chat, platform.user(), "before")).messageId();
    assertInstanceOf(Delivered.class, deliver(chat, null, new Text("before the restart"), null));
    close(started());

    channel = newChannel();
    channel.start();
    platform.redeliver(first);
    InboundEvent after = receive(PlatformMessage.plain(chat, platform.user(), "after"));

    assertEquals(List.of(first, after.messageId()), storedIds(chat), "stored once each");
    assertInstanceOf(Delivered.class, deliver(chat, null, new Text("still here"), null));
  }

  @Test
  void close_leaves_no_threads_behind() throws Exception {
    ThreadCheck.Snapshot before = ThreadCheck.snapshot();
    String chat = platform.groupChat();
    receive(PlatformMessage.plain(chat, platform.user(), "wake everything up"));
    deliver(chat, null, new Text("and answer"), null);

    close(started());

    assertEquals(
        List.of(),
        ThreadCheck.stillAlive(
            before, platform::ownsThread, platform::ownsVirtualThread, timeout()),
        "threads the channel started and close() left running");
  }

  // ---------------------------------------------------------------- inbound

  @Test
  void a_message_carries_its_ids_chat_sender_and_text() throws Exception {
    String chat = platform.groupChat();
    started();
    String id = platform.send(PlatformMessage.plain(chat, platform.user(), "plain words"));

    InboundEvent event = context.awaitStored(id, timeout());

    assertAll(
        () -> assertEquals(chat, event.platformId(), "platformId"),
        () -> assertNull(event.threadId(), "threadId outside a thread"),
        () -> assertEquals(id, event.messageId(), "messageId is the platform's"),
        () -> assertEquals(platform.user().id(), event.sender().id(), "sender id"),
        () -> assertEquals(platform.user().name(), event.sender().name(), "sender name"),
        () -> assertEquals("plain words", event.text(), "text"),
        () -> assertEquals(Addressing.NONE, event.addressing(), "a plain message addresses no one"),
        () -> assertNull(event.replyTo(), "replyTo of a message that replies to none"),
        () -> assertEquals(List.of(), event.attachments(), "attachments"));
  }

  @Test
  void a_message_in_a_thread_carries_the_thread() throws Exception {
    assumeFeature(Feature.THREADS);
    PlatformMessage message =
        PlatformMessage.plain(platform.groupChat(), platform.user(), "threaded")
            .inThread(platform.thread());

    InboundEvent event = receive(message);

    assertEquals(platform.groupChat(), event.platformId());
    assertEquals(platform.thread(), event.threadId());
  }

  @Test
  void a_mention_of_the_bot_addresses_it() throws Exception {
    assumeFeature(Feature.MENTIONS);
    PlatformMessage message =
        PlatformMessage.plain(platform.groupChat(), platform.user(), "are you there")
            .mentioningTheBot();

    InboundEvent event = receive(message);

    assertTrue(event.addressing().mention(), "mention is set");
    assertTrue(event.text().contains("are you there"), event.text());
  }

  @Test
  void a_direct_message_addresses_the_bot() throws Exception {
    assumeFeature(Feature.DIRECT_MESSAGES);
    PlatformMessage message =
        PlatformMessage.plain(platform.directChat(), platform.user(), "just us").asDirect();

    InboundEvent event = receive(message);

    assertEquals(platform.directChat(), event.platformId());
    assertTrue(event.addressing().direct(), "direct is set");
  }

  @Test
  void a_reply_names_the_message_it_replies_to() throws Exception {
    assumeFeature(Feature.REPLIES);
    String chat = platform.groupChat();
    InboundEvent first = receive(PlatformMessage.plain(chat, platform.user(), "question"));

    InboundEvent reply =
        receive(
            PlatformMessage.plain(chat, platform.user(), "follow-up")
                .replyingTo(first.messageId()));

    assertNotNull(reply.replyTo(), "replyTo is set");
    assertEquals(first.messageId(), reply.replyTo().messageId());
  }

  @Test
  void an_attachment_is_downloaded_into_the_channel_data_folder() throws Exception {
    assumeFeature(Feature.ATTACHMENTS);
    byte[] content = "a file's bytes\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    PlatformMessage message =
        PlatformMessage.plain(platform.groupChat(), platform.user(), "see attached")
            .with(new PlatformMessage.Attachment("notes.txt", "text/plain", content));

    InboundEvent event = receive(message);

    assertEquals(1, event.attachments().size(), "attachments");
    Attachment file = event.attachments().getFirst();
    assertEquals("notes.txt", file.name());
    assertEquals(content.length, file.size());
    assertTrue(
        file.file().toAbsolutePath().normalize().startsWith(context.dataDir().toAbsolutePath()),
        file.file() + " is inside the channel's data folder " + context.dataDir());
    assertArrayEquals(content, Files.readAllBytes(file.file()));
  }

  @Test
  void a_redelivered_event_is_stored_once() throws Exception {
    String chat = platform.groupChat();
    InboundEvent original = receive(PlatformMessage.plain(chat, platform.user(), "only once"));

    platform.redeliver(original.messageId());
    // Events of one chat are taken in order: once this one is stored, the redelivery was handled.
    InboundEvent next = receive(PlatformMessage.plain(chat, platform.user(), "the next one"));

    assertEquals(List.of(original.messageId(), next.messageId()), storedIds(chat));
    assertTrue(
        context.submitted().stream()
            .filter(e -> e.text().equals("only once"))
            .allMatch(e -> original.messageId().equals(e.messageId())),
        "a redelivered event keeps its message id");
  }

  // ---------------------------------------------------------------- outbound

  @Test
  void delivers_text_to_the_chat() throws Exception {
    assumeCapability(Capability.TEXT);
    String chat = platform.groupChat();

    DeliveryResult result = deliver(chat, null, new Text("hello, chat"), null);

    Delivered delivered = assertInstanceOf(Delivered.class, result);
    List<ReceivedMessage> texts = received(chat, Kind.TEXT);
    assertEquals(List.of("hello, chat"), texts(texts));
    if (delivered.platformMessageId() != null) {
      assertEquals(delivered.platformMessageId(), texts.getFirst().platformMessageId());
    }
  }

  @Test
  void delivers_text_into_a_thread() throws Exception {
    assumeCapability(Capability.THREADS);
    String chat = platform.groupChat();

    assertInstanceOf(
        Delivered.class, deliver(chat, platform.thread(), new Text("in the thread"), null));

    ReceivedMessage message = received(chat, Kind.TEXT).getFirst();
    assertEquals("in the thread", message.text());
    assertEquals(platform.thread(), message.thread());
  }

  @Test
  void splits_text_longer_than_the_platform_limit() throws Exception {
    assumeCapability(Capability.TEXT);
    int limit = platform.maxTextLength().orElse(0);
    assumeTrue(limit > 0, "the platform has no limit on the length of a message");
    String chat = platform.groupChat();
    String text = LongText.of(limit * 2 + limit / 2);

    assertInstanceOf(Delivered.class, deliver(chat, null, new Text(text), null));

    List<String> parts = texts(received(chat, Kind.TEXT));
    assertTrue(parts.size() >= 3, "split into at least 3 messages, was " + parts.size());
    parts.forEach(
        part -> assertTrue(part.length() <= limit, "a part of " + part.length() + " characters"));
    assertEquals(LongText.withoutSpace(text), LongText.withoutSpace(String.join("", parts)));
  }

  @Test
  void edits_a_delivered_message() throws Exception {
    assumeCapability(Capability.EDIT);
    String chat = platform.groupChat();
    String id = deliveredId(deliver(chat, null, new Text("first draft"), null));

    assertInstanceOf(Delivered.class, deliver(chat, null, new Edit(id, "final text"), null));

    ReceivedMessage edit = received(chat, Kind.EDIT).getFirst();
    assertEquals(id, edit.target());
    assertEquals("final text", edit.text());
  }

  @Test
  void reacts_to_a_message() throws Exception {
    assumeCapability(Capability.REACTION);
    String chat = platform.groupChat();
    InboundEvent in = receive(PlatformMessage.plain(chat, platform.user(), "nice work"));

    assertInstanceOf(
        Delivered.class, deliver(chat, null, new Reaction(in.messageId(), "👍"), null));

    ReceivedMessage reaction = received(chat, Kind.REACTION).getFirst();
    assertEquals(in.messageId(), reaction.target());
    assertEquals("👍", reaction.emoji());
  }

  @Test
  void delivers_a_question_with_its_options() throws Exception {
    ReceivedMessage question = askQuestion();

    assertTrue(question.text().contains("Ship it?"), question.text());
    assertEquals(List.of("Yes", "Not yet"), question.options());
  }

  @Test
  void a_pressed_button_comes_back_as_the_answer() throws Exception {
    ReceivedMessage question = askQuestion();
    assumeFeature(Feature.BUTTON_PRESSES);

    platform.pressButton(question, "Not yet", platform.user());

    QuestionAnswer answer = context.awaitAnswer(QUESTION_ID, timeout());
    assertEquals("later", answer.value());
    assertEquals(platform.groupChat(), answer.platformId());
    assertEquals(platform.user().id(), answer.sender().id());
  }

  @Test
  void delivers_files() throws Exception {
    assumeCapability(Capability.FILES);
    String chat = platform.groupChat();
    byte[] content = "report line\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(folder.resolve("report.txt"), content);
    OutboundContent.File outbound = new OutboundContent.File("report.txt", file, content.length);

    assertInstanceOf(
        Delivered.class,
        deliver(chat, null, new Text("the report", false, List.of(outbound)), null));

    List<ReceivedMessage> messages = received(chat, Kind.TEXT);
    List<ReceivedFile> files = messages.stream().flatMap(m -> m.files().stream()).toList();
    assertEquals(1, files.size(), "files received");
    assertEquals("report.txt", files.getFirst().name());
    assertArrayEquals(content, files.getFirst().content());
    assertTrue(
        messages.stream().anyMatch(m -> m.text() != null && m.text().contains("the report")),
        "the text goes with the file");
  }

  // ---------------------------------------------------------------- failures

  @Test
  void a_rate_limit_is_rate_limited_for_as_long_as_the_platform_asks() throws Exception {
    platform.failNextSend(new PlatformFailure.RateLimited(Duration.ofSeconds(7)));

    DeliveryResult result = deliver(platform.groupChat(), null, new Text("too fast"), null);

    assertEquals(
        Duration.ofSeconds(7), assertInstanceOf(RateLimited.class, result).retryAfter());
    assertRecovered();
  }

  @Test
  void a_server_error_is_transient() throws Exception {
    platform.failNextSend(new PlatformFailure.ServerError());

    DeliveryResult result = deliver(platform.groupChat(), null, new Text("try later"), null);

    assertInstanceOf(Transient.class, result);
    assertRecovered();
  }

  @Test
  void an_auth_failure_is_permanent() throws Exception {
    platform.failNextSend(new PlatformFailure.AuthFailure());

    DeliveryResult result = deliver(platform.groupChat(), null, new Text("not allowed"), null);

    assertInstanceOf(Permanent.class, result);
    assertRecovered();
  }

  // ---------------------------------------------------------------- helpers

  /** Makes a channel from the settings, as the gateway does; the suite closes it after the test. */
  protected final Channel newChannel() {
    Settings settings =
        Settings.of("channels." + factory().channelType(), settings(platform));
    Channel created = factory().create(settings, context);
    made.add(created);
    platform.channelCreated(created);
    return created;
  }

  /** Closes a channel the suite made, once, as the gateway does. */
  protected final void close(Channel target) {
    if (made.remove(target)) {
      target.close();
    }
  }

  /** The channel of this test, made and started on first use. */
  protected final Channel started() throws Exception {
    if (channel == null) {
      channel = newChannel();
      channel.start();
    }
    return channel;
  }

  /** Has the platform send {@code message} and waits until the channel stored it. */
  protected final InboundEvent receive(PlatformMessage message) throws Exception {
    started();
    return context.awaitStored(platform.send(message), timeout());
  }

  /** Delivers one outbound message (first attempt) through the channel. */
  protected final DeliveryResult deliver(
      String chat, String thread, OutboundContent content, String replyTo) throws Exception {
    int n = outboundIds.incrementAndGet();
    return started()
        .deliver(new OutboundMessage("out-" + n, 2L * n + 1, chat, thread, replyTo, content, 1));
  }

  private ReceivedMessage askQuestion() throws Exception {
    assumeCapability(Capability.QUESTION);
    String chat = platform.groupChat();
    Question question =
        new Question(
            QUESTION_ID,
            "Release",
            "Ship it?",
            List.of(new Option("Yes", "now"), new Option("Not yet", "later")));
    assertInstanceOf(Delivered.class, deliver(chat, null, question, null));
    return received(chat, Kind.QUESTION).getFirst();
  }

  private void assertRecovered() throws Exception {
    String chat = platform.groupChat();
    assertInstanceOf(
        Delivered.class,
        deliver(chat, null, new Text("after the failure"), null),
        "the next delivery goes through");
    assertTrue(texts(received(chat, Kind.TEXT)).contains("after the failure"));
  }

  private void assumeCapability(Capability capability) throws Exception {
    assumeTrue(
        started().capabilities().contains(capability),
        "the channel does not claim capability " + capability);
  }

  private void assumeFeature(Feature feature) {
    assumeTrue(
        platform.features().contains(feature),
        "the platform driver does not offer feature " + feature);
  }

  private List<ReceivedMessage> received(String chat, Kind kind) throws Exception {
    List<ReceivedMessage> matching =
        platform.received().stream()
            .filter(m -> m.kind() == kind && chat.equals(m.chat()))
            .toList();
    assertFalse(matching.isEmpty(), "the platform received no " + kind + " in chat " + chat);
    return matching;
  }

  private List<String> storedIds(String chat) {
    return context.stored().stream()
        .filter(e -> chat.equals(e.platformId()))
        .map(InboundEvent::messageId)
        .toList();
  }

  private static List<String> texts(List<ReceivedMessage> messages) {
    return messages.stream().map(ReceivedMessage::text).toList();
  }

  private static String deliveredId(DeliveryResult result) {
    String id = assertInstanceOf(Delivered.class, result).platformMessageId();
    assertNotNull(id, "a channel that edits or reacts returns the platform's id of what it sent");
    return id;
  }
}
