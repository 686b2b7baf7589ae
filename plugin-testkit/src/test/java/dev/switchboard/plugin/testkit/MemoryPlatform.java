package dev.switchboard.plugin.testkit;

import dev.switchboard.plugin.api.InboundEvent.Sender;
import dev.switchboard.plugin.api.OutboundContent.Option;
import dev.switchboard.plugin.testkit.ReceivedMessage.ReceivedFile;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat platform in memory, for checking the conformance suite itself: the bot reads events from
 * a queue and sends with method calls that the platform may refuse as a real one would.
 */
final class MemoryPlatform implements PlatformDriver {
  static final int LIMIT = 100;

  /** Something the platform tells the bot. */
  sealed interface Event {}

  record Message(String id, PlatformMessage message) implements Event {}

  record Press(String id, String chat, String questionId, String value, Sender user)
      implements Event {}

  /** A refusal, as the platform's API answers it: an HTTP-like status and maybe a delay. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Duration retryAfter;

    Refused(int status, Duration retryAfter) {
      super("refused with " + status);
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  private record Asked(String questionId, List<Option> options) {}

  final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  final CountDownLatch closed = new CountDownLatch(1);
  private final Map<String, Message> sent = new ConcurrentHashMap<>();
  private final Map<String, Asked> questions = new ConcurrentHashMap<>();
  private final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile PlatformFailure nextFailure;

  @Override
  public Set<Feature> features() {
    return EnumSet.allOf(Feature.class);
  }

  @Override
  public String send(PlatformMessage message) {
    Message event = new Message("p-" + ids.incrementAndGet(), message);
    sent.put(event.id(), event);
    events.add(event);
    return event.id();
  }

  @Override
  public void redeliver(String messageId) {
    events.add(sent.get(messageId));
  }

  @Override
  public void pressButton(ReceivedMessage question, String label, Sender user) {
    Asked asked = questions.get(question.platformMessageId());
    String value =
        asked.options().stream().filter(o -> o.label().equals(label)).findFirst().orElseThrow()
            .value();
    String id = "press-" + ids.incrementAndGet();
    events.add(new Press(id, question.chat(), asked.questionId(), value, user));
  }

  @Override
  public List<ReceivedMessage> received() {
    return List.copyOf(received);
  }

  @Override
  public OptionalInt maxTextLength() {
    return OptionalInt.of(LIMIT);
  }

  @Override
  public void failNextSend(PlatformFailure failure) {
    nextFailure = failure;
  }

  @Override
  public void close() {
    closed.countDown();
  }

  // ---- the bot's side of the API

  String post(String chat, String thread, String text, List<ReceivedFile> files) throws Refused {
    refuseIfScripted();
    if (text.length() > LIMIT) {
      throw new Refused(400, null);
    }
    String id = "p-" + ids.incrementAndGet();
    received.add(ReceivedMessage.text(chat, thread, id, text, files));
    return id;
  }

  void edit(String chat, String target, String text) throws Refused {
    refuseIfScripted();
    received.add(ReceivedMessage.edit(chat, target, text));
  }

  void react(String chat, String target, String emoji) throws Refused {
    refuseIfScripted();
    received.add(ReceivedMessage.reaction(chat, target, emoji));
  }

  String ask(String chat, String thread, String questionId, String text, List<Option> options)
      throws Refused {
    refuseIfScripted();
    String id = "p-" + ids.incrementAndGet();
    questions.put(id, new Asked(questionId, options));
    received.add(
        ReceivedMessage.question(
            chat, thread, id, text, options.stream().map(Option::label).toList()));
    return id;
  }

  private void refuseIfScripted() throws Refused {
    PlatformFailure failure = nextFailure;
    nextFailure = null;
    if (failure == null) {
      return;
    }
    throw switch (failure) {
      case PlatformFailure.RateLimited limited -> new Refused(429, limited.retryAfter());
      case PlatformFailure.ServerError error -> new Refused(502, null);
      case PlatformFailure.AuthFailure auth -> new Refused(401, null);
    };
  }
}
