package dev.switchboard.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.store.AgentGroup;
import dev.switchboard.store.AgentGroups;
import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Ids;
import dev.switchboard.store.InboundRow;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.Times;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Delivers a message from one agent to another ({@code channel_type = 'agent'}, {@code platform_id
 * = <agent group id>}). The message lands in a session of the target group kept for the asking
 * session ({@code thread_id = agent:<asking session id>}), as a chat row whose routing names the
 * asker ({@code channel_type 'agent'}, {@code platform_id} its group, {@code thread_id} its session).
 * The target's reply, routed by those columns, therefore goes back to the very session that asked,
 * not merely to the asking group's newest session.
 */
final class AgentMessages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final Consumer<String> wake;

  AgentMessages(CentralDb central, SessionFiles files, Clock clock, Consumer<String> wake) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.wake = wake;
  }

  /** Finds the target group by id (or, for convenience, by folder). */
  Optional<AgentGroup> target(String platformId) {
    return central.read(
        c -> {
          Optional<AgentGroup> byId = AgentGroups.byId(c, platformId);
          return byId.isPresent() ? byId : AgentGroups.byFolder(c, platformId);
        });
  }

  DeliveryResult deliver(Session from, AgentGroup to, String threadId, String messageOutId, String text) {
    String now = Times.format(clock.instant());
    AgentGroup sender = central.read(c -> AgentGroups.byId(c, from.agentGroupId())).orElseThrow();
    Session target =
        central.write(
            c -> {
              Optional<Session> asked = threadId == null ? Optional.empty() : Sessions.byId(c, threadId);
              Session session;
              // The named session is used only where the two sessions belong together: the one
              // kept for this asking session, or the one this session was made to answer.
              boolean belongsTogether =
                  asked.isPresent()
                      && asked.get().agentGroupId().equals(to.id())
                      && (("agent:" + from.id()).equals(asked.get().threadId())
                          || ("agent:" + asked.get().id()).equals(from.threadId()));
              if (belongsTogether) {
                session = asked.get();
              } else {
                String thread = "agent:" + from.id();
                session = Sessions.findActive(c, to.id(), null, thread).orElse(null);
                if (session == null) {
                  session = new Session(Ids.newId("sess"), to.id(), null, thread, null, "active", "stopped", now, now);
                  Sessions.insert(c, session);
                }
              }
              SessionWork.markPending(c, session.id());
              Sessions.touch(c, session.id(), now);
              return session;
            });
    Path dir = files.ensure(to.id(), target.id());
    ObjectNode content = JSON.createObjectNode();
    content.put("text", text);
    content.put("sender", sender.name());
    content.put("senderId", "agent:" + sender.id());
    content.putObject("fromAgent").put("agentGroupId", sender.id()).put("sessionId", from.id());
    String rowId = "agent-" + messageOutId;
    files.writeInbound(
        dir,
        c -> {
          InboundRows.insert(
              c, new InboundRow(rowId, "chat", now, null, null, sender.id(), "agent", from.id(), content.toString()));
          if (target.messagingGroupId() == null) {
            InboundRows.writeRouting(c, "agent", sender.id(), from.id());
          }
          return null;
        });
    wake.accept(target.id());
    return new DeliveryResult.Delivered(rowId);
  }
}
