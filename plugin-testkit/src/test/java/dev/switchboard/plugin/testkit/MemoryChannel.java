package dev.switchboard.plugin.testkit;

import dev.switchboard.plugin.api.Capability;
import dev.switchboard.plugin.api.Channel;
import dev.switchboard.plugin.api.ChannelContext;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Addressing;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.testkit.MemoryPlatform.Refused;
import dev.switchboard.plugin.testkit.ReceivedMessage.ReceivedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A channel to {@link MemoryPlatform}, correct unless told to have one {@link Flaw}. */
final class MemoryChannel implements Channel {
  /** Mistakes a channel can make, each of which one check of the suite must catch. */
  enum Flaw {
    NONE,
    NEW_ID_ON_REDELIVERY,
    THREADS_LOST,
    MENTIONS_MISSED,
    DIRECT_MISSED,
    REPLIES_LOST,
    ANSWERS_LABEL_NOT_VALUE,
    NO_SPLIT,
    RATE_LIMIT_AS_TRANSIENT,
    SERVER_ERROR_AS_PERMANENT,
    AUTH_FAILURE_AS_TRANSIENT,
    FILES_LEFT_OUT,
    LOCK_KEPT_AFTER_CLOSE,
    THREAD_LEFT_RUNNING,
    VIRTUAL_THREAD_LEFT_RUNNING,
    CLOSE_FAILS_UNSTARTED,
    SENDER_NAME_LOST,
    ATTACHMENTS_DROPPED,
    OUTBOUND_THREAD_IGNORED,
    WRONG_ID_RETURNED,
    REPLIES_REFUSED,
    EDIT_POSTED_AS_NEW,
    REACTION_DROPPED,
    OPTIONS_LOST,
    CLAIMS_TEXT_ONLY
  }

  private final MemoryPlatform platform;
  private final ChannelContext context;
  private final Flaw flaw;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger madeUpIds = new AtomicInteger();
  private Thread reader;
  private Path lockFile;

  MemoryChannel(MemoryPlatform platform, ChannelContext context, Flaw flaw) {
    this.platform = platform;
    this.context = context;
    this.flaw = flaw;
  }

  @Override
  public void start() throws IOException {
    Path lock = context.dataDir().resolve("lock");
    Files.createFile(lock); // fails if another instance holds the data folder
    if (flaw != Flaw.LOCK_KEPT_AFTER_CLOSE) {
      lockFile = lock;
    }
    reader = Thread.ofPlatform().name("memory-channel-reader").start(this::read);
    if (flaw == Flaw.THREAD_LEFT_RUNNING) {
      Thread.ofPlatform().daemon().name("memory-channel-forgotten").start(this::awaitForever);
    }
    if (flaw == Flaw.VIRTUAL_THREAD_LEFT_RUNNING) {
      Thread.ofVirtual().name("memory-channel-forgotten-virtual").start(this::awaitForever);
    }
  }

  private void read() {
    try {
      while (true) {
        switch (platform.events.take()) {
          case MemoryPlatform.Message m -> context.submit(inbound(m));
          case MemoryPlatform.Press p -> context.submitAnswer(answer(p));
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts the reader: the channel stops taking input.
    }
  }

  private InboundEvent inbound(MemoryPlatform.Message event) {
    PlatformMessage m = event.message();
    boolean again = !seen.add(event.id());
    String id =
        again && flaw == Flaw.NEW_ID_ON_REDELIVERY
            ? event.id() + "-again-" + madeUpIds.incrementAndGet()
            : event.id();
    InboundEvent.Builder builder =
        InboundEvent.builder(m.chat(), sender(m.sender()), m.text())
            .messageId(id)
            .threadId(flaw == Flaw.THREADS_LOST ? null : m.thread())
            .addressing(
                new Addressing(
                    m.mention() && flaw != Flaw.MENTIONS_MISSED,
                    m.direct() && flaw != Flaw.DIRECT_MISSED,
                    false));
    if (m.replyTo() != null && flaw != Flaw.REPLIES_LOST) {
      builder.replyTo(new InboundEvent.ReplyTo(m.replyTo(), null, null));
    }
    if (m.attachment() != null && flaw != Flaw.ATTACHMENTS_DROPPED) {
      builder.attachment(download(event.id(), m.attachment()));
    }
    return builder.build();
  }

  private InboundEvent.Sender sender(InboundEvent.Sender sender) {
    return flaw == Flaw.SENDER_NAME_LOST ? new InboundEvent.Sender(sender.id(), null, sender.bot()) : sender;
  }

  private Attachment download(String id, PlatformMessage.Attachment file) {
    try {
      Path folder = Files.createDirectories(context.dataDir().resolve("files").resolve(id));
      Path path = Files.write(folder.resolve(file.name()), file.content());
      return new Attachment(file.name(), file.mimeType(), file.content().length, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private QuestionAnswer answer(MemoryPlatform.Press press) {
    String value = flaw == Flaw.ANSWERS_LABEL_NOT_VALUE ? "Not yet" : press.value();
    return new QuestionAnswer(
        press.chat(), null, press.questionId(), value, press.user(), press.id(), Instant.now());
  }

  @Override
  public DeliveryResult deliver(OutboundMessage message) {
    String chat = message.platformId();
    String thread = flaw == Flaw.OUTBOUND_THREAD_IGNORED ? null : message.threadId();
    if (message.replyToMessageId() != null && flaw == Flaw.REPLIES_REFUSED) {
      return new DeliveryResult.Permanent("cannot reply to " + message.replyToMessageId());
    }
    try {
      return new DeliveryResult.Delivered(
          switch (message.content()) {
            case OutboundContent.Text text -> {
              String id = post(chat, thread, text);
              yield flaw == Flaw.WRONG_ID_RETURNED ? "made-up-" + id : id;
            }
            case OutboundContent.Edit edit -> {
              if (flaw == Flaw.EDIT_POSTED_AS_NEW) {
                yield post(chat, thread, new OutboundContent.Text(edit.text()));
              }
              platform.edit(chat, edit.platformMessageId(), edit.text());
              yield edit.platformMessageId();
            }
            case OutboundContent.Reaction reaction -> {
              if (flaw != Flaw.REACTION_DROPPED) {
                platform.react(chat, reaction.platformMessageId(), reaction.emoji());
              }
              yield null;
            }
            case OutboundContent.Question q ->
                platform.ask(
                    chat,
                    thread,
                    q.questionId(),
                    q.question(),
                    flaw == Flaw.OPTIONS_LOST ? List.of() : q.options());
          });
    } catch (Refused refused) {
      return classify(refused);
    }
  }

  private String post(String chat, String thread, OutboundContent.Text text) throws Refused {
    List<ReceivedFile> files = new ArrayList<>();
    List<OutboundContent.File> sent = flaw == Flaw.FILES_LEFT_OUT ? List.of() : text.files();
    for (OutboundContent.File file : sent) {
      try {
        files.add(new ReceivedFile(file.name(), Files.readAllBytes(file.path())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    int size = flaw == Flaw.NO_SPLIT ? Integer.MAX_VALUE : MemoryPlatform.LIMIT;
    String first = null;
    for (int start = 0; start < text.text().length(); start += size) {
      String part = text.text().substring(start, Math.min(text.text().length(), start + size));
      String id = platform.post(chat, thread, part, first == null ? files : List.of());
      first = first == null ? id : first;
    }
    return first;
  }

  private DeliveryResult classify(Refused refused) {
    if (refused.status == 429) {
      return flaw == Flaw.RATE_LIMIT_AS_TRANSIENT
          ? new DeliveryResult.Transient("429")
          : new DeliveryResult.RateLimited(refused.retryAfter, "429");
    }
    if (refused.status >= 500) {
      return flaw == Flaw.SERVER_ERROR_AS_PERMANENT
          ? new DeliveryResult.Permanent("5xx")
          : new DeliveryResult.Transient("5xx");
    }
    return flaw == Flaw.AUTH_FAILURE_AS_TRANSIENT && refused.status == 401
        ? new DeliveryResult.Transient("401")
        : new DeliveryResult.Permanent(Integer.toString(refused.status));
  }

  @Override
  public Set<Capability> capabilities() {
    return flaw == Flaw.CLAIMS_TEXT_ONLY
        ? Set.of(Capability.TEXT)
        : EnumSet.of(
            Capability.TEXT,
            Capability.THREADS,
            Capability.EDIT,
            Capability.REACTION,
            Capability.QUESTION,
            Capability.FILES);
  }

  @Override
  public void close() {
    if (flaw == Flaw.CLOSE_FAILS_UNSTARTED && reader == null) {
      throw new IllegalStateException("closed before it started");
    }
    if (reader != null) {
      reader.interrupt();
      try {
        reader.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (lockFile != null) {
      try {
        Files.deleteIfExists(lockFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // Ends only when the platform closes, long after the channel did.
  private void awaitForever() {
    try {
      platform.closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
