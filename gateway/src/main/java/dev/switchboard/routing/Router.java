package dev.switchboard.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundOutcome;
import dev.switchboard.plugin.api.IntegratorEvent;
import dev.switchboard.plugin.api.QuestionAnswer;
import dev.switchboard.plugin.api.StoreUnavailableException;
import dev.switchboard.routing.ChatContent.StoredAttachment;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.DestinationAcl;
import dev.switchboard.store.DroppedMessages;
import dev.switchboard.store.Ids;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.MessagingGroup;
import dev.switchboard.store.MessagingGroups;
import dev.switchboard.store.OffCarrier;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.Times;
import dev.switchboard.store.Wiring;
import dev.switchboard.store.Wirings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an inbound event into rows: finds or creates the chat's messaging group, evaluates its
 * wirings in priority order, resolves each engaged agent group's session, and inserts the message
 * into each session's {@code messages_in}. Returns only when that is durable.
 *
 * <p>Crash safety: the central transaction (messaging group, sessions, pending flags) commits
 * before any session file is written, and every step is idempotent, so a channel that was not
 * acknowledged and redelivers the event completes what a crash interrupted, without doubling.
 */
public final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final Consumer<String> wake;
  private final RoutingSettings settings;
  private final Consumer<HostReply> replies;
  private final Answers answers;
  private final Pairing pairing;

  /** A router with the default settings and no replies of its own, for tests. */
  public Router(CentralDb central, SessionFiles files, Clock clock, Consumer<String> wake) {
    this(central, files, clock, wake, RoutingSettings.DEFAULTS, reply -> {});
  }

  /**
   * @param wake told the id of every session that got a new row (a hint to look now)
   * @param replies sends the gateway's own short replies to a chat
   */
  public Router(
      CentralDb central,
      SessionFiles files,
      Clock clock,
      Consumer<String> wake,
      RoutingSettings settings,
      Consumer<HostReply> replies) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.wake = wake;
    this.settings = settings;
    this.replies = replies;
    this.answers = new Answers(central, files, clock, wake, settings.questionExpiry());
    this.pairing = new Pairing(central, clock);
  }

  /** Closes questions left unanswered past their expiry; see {@link Answers#expireUnanswered}. */
  public int expireQuestions() {
    int closed = answers.expireUnanswered();
    if (closed > 0) {
      LOG.info("closed {} question(s) nobody answered in time", closed);
    }
    return closed;
  }

  /** Stores the answer to a question; see {@link Answers}. */
  public InboundOutcome answer(String channelType, QuestionAnswer answer) {
    try {
      return answers.answer(channelType, answer);
    } catch (StoreException | UncheckedIOException e) {
      LOG.error("could not store an answer from {}: {}", channelType, e.getMessage());
      throw new StoreUnavailableException("the answer could not be stored: " + e.getMessage(), e);
    }
  }

  /**
   * Stores an integrator's event for the sessions of the chat's wirings, as a row of kind {@code
   * webhook} with {@code {"source", "event", "payload"}}: routed like a message addressed to the
   * bot (rules on mentions do not hold it back), deduplicated by its id, and recorded as dropped
   * when no wiring takes it.
   */
  public InboundOutcome event(String channelType, IntegratorEvent event) {
    JsonNode payload;
    try {
      payload = JSON.readTree(event.payloadJson());
    } catch (IOException e) {
      throw new IllegalArgumentException("the event's payload is not JSON", e);
    }
    String content =
        JSON.createObjectNode()
            .put("source", event.source())
            .put("event", event.event())
            .set("payload", payload)
            .toString();
    InboundEvent carrier =
        InboundEvent.builder(
                event.platformId(), new InboundEvent.Sender(event.source(), event.source(), true), "")
            .threadId(event.threadId())
            .timestamp(event.timestamp())
            .addressing(new InboundEvent.Addressing(true, true, false))
            .build();
    String id = event.eventId() != null ? event.eventId() : Ids.newId("evt");
    return OffCarrier.call(() -> routeRow(channelType, carrier, id, "webhook", content));
  }

  /** A session the message goes to. */
  private record Target(Session session, boolean agentShared) {}

  /** What the central transaction decided. */
  private record Plan(List<Target> targets, String dropReason) {}

  public InboundOutcome route(String channelType, InboundEvent event) {
    // Routing reads and writes the store several times; on a platform thread it does so without a
    // hand-off for each (channels submit from virtual threads, HTTP handlers among them).
    return OffCarrier.call(() -> routeHere(channelType, event));
  }

  private InboundOutcome routeHere(String channelType, InboundEvent event) {
    String messageId = event.messageId() != null ? event.messageId() : Ids.newId("msg");
    try {
      Optional<Pairing.Result> pairingCode = pairing.pair(channelType, event);
      if (pairingCode.isPresent()) {
        return switch (pairingCode.get()) {
          case Pairing.Result.Paired paired -> {
            replies.accept(new HostReply(channelType, event.platformId(), event.threadId(), event.messageId(), paired.reply()));
            yield new InboundOutcome.Dropped(messageId, "a pairing code: the chat is now paired");
          }
          case Pairing.Result.Redelivered redelivered -> new InboundOutcome.Duplicate(messageId);
          case Pairing.Result.Refused refused -> {
            replies.accept(new HostReply(channelType, event.platformId(), event.threadId(), event.messageId(), refused.reply()));
            yield new InboundOutcome.Dropped(messageId, "a pairing code that is unknown, used or expired");
          }
        };
      }
      Optional<InboundOutcome> answered = answers.fromText(channelType, event);
      if (answered.isPresent()) {
        if (answered.get() instanceof InboundOutcome.Dropped dropped) {
          // A reply meant as an answer that changed nothing: the sender is told why.
          replies.accept(new HostReply(channelType, event.platformId(), event.threadId(), event.messageId(), dropped.reason()));
        }
        return answered.get();
      }
      Optional<String> refusal = adminOnlyRefusal(channelType, event);
      if (refusal.isPresent()) {
        replies.accept(new HostReply(channelType, event.platformId(), event.threadId(), event.messageId(), refusal.get()));
        return new InboundOutcome.Dropped(messageId, refusal.get());
      }
      return routeRow(channelType, event, messageId, "chat", null);
    } catch (StoreException | UncheckedIOException e) {
      LOG.error("could not store message {} from {}: {}", messageId, channelType, e.getMessage());
      throw new StoreUnavailableException("the message could not be stored: " + e.getMessage(), e);
    }
  }

  /**
   * Routes one inbound row to the sessions of the chat's wirings that take it: a chat message
   * ({@code content} null: made from the event), or another kind with its content.
   */
  private InboundOutcome routeRow(
      String channelType, InboundEvent event, String messageId, String kind, String content) {
    String now = Times.format(clock.instant());
    try {
      Plan plan = central.write(c -> plan(c, channelType, event, messageId, now));
      if (plan.targets().isEmpty()) {
        return new InboundOutcome.Dropped(messageId, plan.dropReason());
      }
      List<String> stored = new ArrayList<>();
      for (Target target : plan.targets()) {
        store(channelType, event, messageId, target, kind, content)
            .ifPresent(id -> stored.add(target.session().id()));
      }
      stored.forEach(wake);
      return stored.isEmpty()
          ? new InboundOutcome.Duplicate(messageId)
          : new InboundOutcome.Stored(messageId, stored);
    } catch (StoreException | UncheckedIOException e) {
      String what = kind.equals("chat") ? "message" : "event";
      LOG.error("could not store {} {} from {}: {}", what, messageId, channelType, e.getMessage());
      throw new StoreUnavailableException("the " + what + " could not be stored: " + e.getMessage(), e);
    }
  }

  /** A command only the chat's admin may use, sent by someone else in a chat that has an admin. */
  private Optional<String> adminOnlyRefusal(String channelType, InboundEvent event) {
    String text = event.text().strip();
    if (!text.startsWith("/")) {
      return Optional.empty();
    }
    String command = text.split("\\s+", 2)[0];
    int at = command.indexOf('@');
    String bare = at > 0 ? command.substring(0, at) : command;
    if (!settings.adminOnlyCommands().contains(bare)) {
      return Optional.empty();
    }
    Optional<String> admin =
        central.read(c -> MessagingGroups.find(c, channelType, event.platformId()))
            .map(MessagingGroup::adminUserId);
    if (admin.isEmpty() || admin.get() == null || admin.get().equals(event.sender().id())) {
      return Optional.empty();
    }
    return Optional.of("Only this chat's admin can use " + bare + ".");
  }

  private Plan plan(
      Connection c, String channelType, InboundEvent event, String messageId, String now)
      throws SQLException {
    MessagingGroup group = messagingGroup(c, channelType, event, now);
    List<Target> targets = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Wiring wiring : Wirings.forMessagingGroup(c, group.id())) {
      TriggerRules rules;
      try {
        rules = TriggerRules.parse(wiring.triggerRules());
      } catch (IllegalArgumentException e) {
        reasons.add(wiring.agentGroupId() + ": invalid trigger rules (" + e.getMessage() + ")");
        continue;
      }
      Engagement engagement = WiringMatcher.decide(wiring, rules, group.adminUserId(), event);
      if (engagement instanceof Engagement.Declined declined) {
        reasons.add(wiring.agentGroupId() + ": " + declined.reason());
        continue;
      }
      Session session = session(c, wiring, group, event.threadId(), now);
      SessionWork.markPending(c, session.id());
      Sessions.touch(c, session.id(), now);
      targets.add(new Target(session, "agent-shared".equals(wiring.sessionMode())));
      if (rules.stopOnMatch()) {
        break;
      }
    }
    if (!targets.isEmpty()) {
      return new Plan(targets, null);
    }
    String reason = reasons.isEmpty() ? "no agent group is wired to this chat" : String.join("; ", reasons);
    DroppedMessages.record(
        c, channelType, event.platformId(), event.threadId(), messageId, event.sender().id(), reason,
        ChatContent.summary(event), now);
    LOG.info("dropped message {} in {}/{}: {}", messageId, channelType, event.platformId(), reason);
    return new Plan(List.of(), reason);
  }

  private static MessagingGroup messagingGroup(
      Connection c, String channelType, InboundEvent event, String now) throws SQLException {
    Optional<MessagingGroup> existing = MessagingGroups.find(c, channelType, event.platformId());
    InboundEvent.ChatInfo info = event.chat();
    if (existing.isPresent()) {
      MessagingGroup group = existing.get();
      if (info == null) {
        return group;
      }
      // A channel that could not learn the name this time sends none (null): the name known from
      // earlier messages stays.
      String name = info.name() != null ? info.name() : group.name();
      if (!java.util.Objects.equals(name, group.name()) || info.group() != group.group()) {
        MessagingGroups.updateInfo(c, group.id(), name, info.group());
      }
      return group;
    }
    MessagingGroup created =
        new MessagingGroup(
            Ids.newId("mg"),
            channelType,
            event.platformId(),
            info == null ? null : info.name(),
            info != null && info.group(),
            null,
            now);
    MessagingGroups.insert(c, created);
    boolean sharedSessionsSeeIt = false;
    for (Wiring template : Wirings.defaultsFor(c, channelType)) {
      sharedSessionsSeeIt |= template.sessionMode().equals("agent-shared");
      Wirings.upsert(
          c,
          new Wiring(
              Ids.newId("mga"),
              created.id(),
              template.agentGroupId(),
              template.triggerRules(),
              template.responseScope(),
              template.sessionMode(),
              template.priority(),
              now));
    }
    if (sharedSessionsSeeIt) {
      // An agent-shared session lists every chat of a channel wired with "*": this one is new.
      DestinationAcl.bumpRoutingVersion(c);
    }
    return created;
  }

  /** Finds or creates the session the wiring's session mode names. */
  private static Session session(
      Connection c, Wiring wiring, MessagingGroup group, String threadId, String now)
      throws SQLException {
    String messagingGroupId = group.id();
    String sessionThread = null;
    switch (wiring.sessionMode()) {
      case "agent-shared" -> messagingGroupId = null;
      case "per-thread" -> sessionThread = threadId;
      default -> {}
    }
    Optional<Session> existing =
        Sessions.findActive(c, wiring.agentGroupId(), messagingGroupId, sessionThread);
    if (existing.isPresent()) {
      return existing.get();
    }
    Session created =
        new Session(
            Ids.newId("sess"),
            wiring.agentGroupId(),
            messagingGroupId,
            sessionThread,
            null,
            "active",
            "stopped",
            now,
            now);
    Sessions.insert(c, created);
    return created;
  }

  private Optional<String> store(
      String channelType, InboundEvent event, String messageId, Target target, String kind, String content) {
    Session session = target.session();
    Path dir = files.ensure(session.agentGroupId(), session.id());
    String rowContent =
        content != null ? content : ChatContent.of(event, copyAttachments(channelType, event, dir, messageId));
    InboundRow row =
        new InboundRow(
            messageId,
            kind,
            Times.format(event.timestamp()),
            null,
            null,
            event.platformId(),
            channelType,
            event.threadId(),
            rowContent);
    return files.writeInbound(
        dir,
        c -> {
          Optional<String> id = InboundRows.insert(c, row);
          if (target.agentShared() && id.isPresent()) {
            // An agent-shared session has no chat of its own: replies default to the latest one.
            InboundRows.writeRouting(c, channelType, event.platformId(), event.threadId());
          }
          return id;
        });
  }

  private List<StoredAttachment> copyAttachments(
      String channelType, InboundEvent event, Path sessionDir, String messageId) {
    List<InboundEvent.Attachment> attachments = event.attachments();
    if (attachments.isEmpty()) {
      return List.of();
    }
    String folder = URLEncoder.encode(messageId, StandardCharsets.UTF_8);
    Path inbox = sessionDir.resolve("inbox").resolve(folder);
    List<StoredAttachment> stored = new ArrayList<>();
    try {
      Files.createDirectories(inbox);
      for (InboundEvent.Attachment attachment : attachments) {
        long size = Files.size(attachment.file());
        if (size > settings.maxInboundFileBytes()) {
          String note =
              "File " + attachment.name() + " was not passed on: it is " + size + " bytes, over the limit of "
                  + settings.maxInboundFileBytes() + " bytes.";
          stored.add(new StoredAttachment(attachment, null, note));
          replies.accept(new HostReply(channelType, event.platformId(), event.threadId(), event.messageId(), note));
          continue;
        }
        String name = safeFileName(attachment.name());
        Files.copy(attachment.file(), inbox.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        stored.add(new StoredAttachment(attachment, "inbox/" + folder + "/" + name, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store attachments in " + inbox, e);
    }
    return stored;
  }

  /** A file name with no path in it: separators and leading dots cannot escape the inbox. */
  static String safeFileName(String name) {
    String cleaned = name.replaceAll("[/\\\\\\x00-\\x1f]", "_").replaceAll("^\\.+", "_");
    return cleaned.isBlank() ? "file" : cleaned;
  }
}
