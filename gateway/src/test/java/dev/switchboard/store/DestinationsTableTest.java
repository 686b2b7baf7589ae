package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.store.InboundRows.Destination;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host rewrites a session's {@code destinations} and {@code session_routing} on every agent
 * start; with a group wired to every chat of a channel the list is as long as the channel has
 * chats, so an unchanged list must cost no write.
 */
class DestinationsTableTest {
  @TempDir Path dataDir;

  private static Destination chat(String name, String displayName) {
    return new Destination(name, displayName, "channel", "webhook", name, null);
  }

  private static List<Destination> chats(int count) {
    return IntStream.range(0, count).mapToObj(i -> chat("webhook-chat-" + i, "chat-" + i)).toList();
  }

  private static Set<Destination> table(SessionFiles files, Path dir) {
    return new HashSet<>(
        files.readInbound(
            dir,
            c ->
                Jdbc.query(
                    c,
                    "SELECT name, display_name, type, channel_type, platform_id, agent_group_id"
                        + " FROM destinations",
                    r ->
                        new Destination(
                            r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6)))));
  }

  @Test
  void rewriting_the_same_destinations_and_routing_changes_no_row() {
    SessionFiles files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag-1", "sess-1");
    List<Destination> destinations = chats(2_000);
    files.writeInbound(
        dir,
        c -> {
          InboundRows.writeDestinations(c, destinations);
          InboundRows.writeRouting(c, "webhook", "chat-1", null);
          return null;
        });

    long changes =
        files.writeInbound(
            dir,
            c -> {
              // total_changes() counts over the connection's life, and connections are reused.
              long before = Jdbc.queryLong(c, "SELECT total_changes()");
              InboundRows.writeDestinations(c, destinations);
              InboundRows.writeRouting(c, "webhook", "chat-1", null);
              return Jdbc.queryLong(c, "SELECT total_changes()") - before;
            });

    assertEquals(0, changes, "rows written for an unchanged list");
    assertEquals(new HashSet<>(destinations), table(files, dir));
  }

  @Test
  void a_changed_list_leaves_exactly_the_new_destinations_and_a_changed_routing_is_written() {
    SessionFiles files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag-1", "sess-1");
    files.writeInbound(
        dir,
        c -> {
          InboundRows.writeDestinations(c, List.of(chat("a", "A"), chat("b", "B"), chat("c", "C")));
          InboundRows.writeRouting(c, "webhook", "a", null);
          return null;
        });

    List<Destination> next = List.of(chat("a", "A renamed"), chat("c", "C"), chat("d", "D"));
    files.writeInbound(
        dir,
        c -> {
          InboundRows.writeDestinations(c, next);
          InboundRows.writeRouting(c, "webhook", "d", "thread-1");
          return null;
        });

    assertEquals(new HashSet<>(next), table(files, dir));
    assertEquals(
        new InboundRows.Routing("webhook", "d", "thread-1"),
        files.readInbound(dir, InboundRows::routing).orElseThrow());
  }

  @Test
  void an_empty_list_empties_the_table() {
    SessionFiles files = new SessionFiles(dataDir);
    Path dir = files.ensure("ag-1", "sess-1");
    files.writeInbound(dir, c -> {
      InboundRows.writeDestinations(c, chats(3));
      return null;
    });

    files.writeInbound(dir, c -> {
      InboundRows.writeDestinations(c, List.of());
      return null;
    });

    assertEquals(Set.of(), table(files, dir));
  }
}
