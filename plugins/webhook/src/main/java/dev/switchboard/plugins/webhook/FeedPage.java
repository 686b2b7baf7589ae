package dev.switchboard.plugins.webhook;

import java.util.List;

/**
 * Entries of one chat's feed after a cursor, in the order they were appended.
 *
 * @param entries the JSON entries, one per element
 * @param cursor the byte offset just after the last entry given (or the cursor asked for when there
 *     is none): pass it back to read on from there
 */
record FeedPage(List<String> entries, long cursor) {
  FeedPage {
    entries = List.copyOf(entries);
    if (cursor < 0) {
      throw new IllegalArgumentException("cursor must not be negative, was " + cursor);
    }
  }
}
