package dev.switchboard.delivery;

import dev.switchboard.store.CentralDb;
import dev.switchboard.store.Deliveries;
import dev.switchboard.store.Delivery;
import dev.switchboard.store.InboundRows;
import dev.switchboard.store.OutboundRow;
import dev.switchboard.store.OutboundRows;
import dev.switchboard.store.Session;
import dev.switchboard.store.SessionFiles;
import dev.switchboard.store.SessionWork;
import dev.switchboard.store.Sessions;
import dev.switchboard.store.Times;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes new outbound rows of a session into {@code deliveries}: only rows above the session's
 * watermark, read through the unique index on seq, so the cost does not grow with history. The
 * destination is resolved here, once: the row's own routing columns, else the session's {@code
 * session_routing}.
 */
public final class OutboundIngest {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundIngest.class);
  private static final int BATCH = 500;

  private final CentralDb central;
  private final SessionFiles files;
  private final Clock clock;
  private final Runnable newWork;

  /** @param newWork told when rows were taken in (wakes the delivery scheduler) */
  public OutboundIngest(CentralDb central, SessionFiles files, Clock clock, Runnable newWork) {
    this.central = central;
    this.files = files;
    this.clock = clock;
    this.newWork = newWork;
  }

  public void ingest(String sessionId) {
    Optional<Session> session = central.read(c -> Sessions.byId(c, sessionId));
    if (session.isEmpty()) {
      return;
    }
    Path dir = files.dir(session.get().agentGroupId(), sessionId);
    if (!Files.exists(dir.resolve("outbound.db"))) {
      return;
    }
    long watermark = central.read(c -> SessionWork.outboundSeq(c, sessionId));
    Optional<InboundRows.Routing> routing = Optional.empty();
    boolean took = false;
    while (true) {
      long after = watermark;
      List<OutboundRow> rows = files.readOutbound(dir, c -> OutboundRows.after(c, after, BATCH));
      if (rows.isEmpty()) {
        break;
      }
      if (routing.isEmpty()) {
        routing = files.readInbound(dir, InboundRows::routing);
      }
      Optional<InboundRows.Routing> defaults = routing;
      String now = Times.format(clock.instant());
      long last = rows.get(rows.size() - 1).seq();
      central.write(
          c -> {
            for (OutboundRow row : rows) {
              Deliveries.insertIfAbsent(c, toDelivery(sessionId, row, defaults, now), now);
            }
            SessionWork.setOutboundSeq(c, sessionId, last);
            return null;
          });
      took = true;
      watermark = last;
      if (rows.size() < BATCH) {
        break;
      }
    }
    if (took) {
      newWork.run();
    }
  }

  private Delivery toDelivery(
      String sessionId, OutboundRow row, Optional<InboundRows.Routing> routing, String now) {
    if (row.seq() % 2 == 0) {
      LOG.warn(
          "session {} wrote outbound row {} with even seq {}; agents write odd seqs (refused)",
          sessionId,
          row.id(),
          row.seq());
    }
    boolean ownRouting = row.channelType() != null || row.platformId() != null;
    String channelType = ownRouting ? row.channelType() : routing.map(InboundRows.Routing::channelType).orElse(null);
    String platformId = ownRouting ? row.platformId() : routing.map(InboundRows.Routing::platformId).orElse(null);
    String threadId = ownRouting ? row.threadId() : routing.map(InboundRows.Routing::threadId).orElse(null);
    return new Delivery(
        sessionId,
        row.id(),
        row.seq(),
        row.kind(),
        row.content(),
        row.inReplyTo(),
        channelType,
        platformId,
        threadId,
        0,
        dueAt(row.deliverAfter(), now),
        row.recurrence());
  }

  private static String dueAt(String deliverAfter, String now) {
    if (deliverAfter == null || deliverAfter.isBlank()) {
      return now;
    }
    try {
      Instant at = Times.parse(deliverAfter);
      return Times.format(at);
    } catch (IllegalArgumentException e) {
      return now;
    }
  }
}
