package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

/**
 * The result of appending to a chat's feed.
 *
 * @param entry the entry as stored: the new one, or for a repeated id the one stored before
 * @param added whether this call wrote it (false when the id was already in the feed)
 */
record FeedAppend(String entry, boolean added) {
  FeedAppend {
    requireNonNull(entry, "entry is null");
  }
}
