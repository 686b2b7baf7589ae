package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.DeliveryResult;
import dev.switchboard.plugin.api.DeliveryResult.Delivered;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugin.api.OutboundContent.Edit;
import dev.switchboard.plugin.api.OutboundContent.Question;
import dev.switchboard.plugin.api.OutboundContent.Reaction;
import dev.switchboard.plugin.api.OutboundContent.Text;
import dev.switchboard.plugin.api.OutboundMessage;
import dev.switchboard.plugins.slack.SlackErrors.CallFailed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends each outbound kind: text (converted to mrkdwn and split), text with files (the current
 * upload API), edits (chat.update), reactions (reactions.add) and questions (Block Kit buttons).
 * A thread id becomes {@code thread_ts}, so replies stay in their thread.
 *
 * <p>Text split into parts is posted part by part. When a later part fails, the parts already
 * posted are remembered by the outbound row's id, and a retry of that row goes on from the first
 * part not posted instead of posting the earlier ones again. Known debt: that memory is lost with
 * the process; a restart between the failure and the retry posts the early parts twice. Fix: keep
 * it in a file under the channel's data folder.
 */
final class SlackOutbound {
  private static final int MAX_REMEMBERED = 1_000;

  private final SlackApi api;
  // Outbound row id -> ts of the parts posted so far, for rows whose delivery failed half-way.
  private final Map<String, List<String>> posted =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  SlackOutbound(SlackApi api) {
    this.api = requireNonNull(api, "api is null");
  }

  DeliveryResult deliver(OutboundMessage message) {
    try {
      return switch (message.content()) {
        case Text text -> text(message, text);
        case Edit edit -> edit(message, edit);
        case Reaction reaction -> reaction(message, reaction);
        case Question question -> question(message, question);
      };
    } catch (CallFailed e) {
      return e.failure();
    }
  }

  private DeliveryResult text(OutboundMessage message, Text text) throws CallFailed {
    String body = text.markdown() ? SlackFormat.mrkdwn(text.text()) : SlackFormat.escape(text.text());
    List<String> parts = body.isBlank() ? List.of() : SlackFormat.split(body);
    List<OutboundContent.File> files = text.files();
    // With files, a text that fits one part goes as their comment: one message, posted at once.
    boolean asComment = !files.isEmpty() && parts.size() == 1;
    List<String> toPost = asComment ? List.of() : parts;
    List<String> done = remembered(message.id());
    for (int i = done.size(); i < toPost.size(); i++) {
      done.add(api.post(message.platformId(), message.threadId(), toPost.get(i), text.markdown(), null));
      remember(message.id(), done);
    }
    if (!files.isEmpty()) {
      api.share(message.platformId(), message.threadId(), asComment ? parts.getFirst() : null, files);
    }
    forget(message.id());
    // The first part's ts names the message: an edit or a reaction acts on it.
    return new Delivered(done.isEmpty() ? null : done.getFirst());
  }

  private DeliveryResult edit(OutboundMessage message, Edit edit) throws CallFailed {
    // An edit replaces one Slack message, so text past one part's length is cut, not split.
    List<String> parts = SlackFormat.split(SlackFormat.mrkdwn(edit.text()));
    api.update(message.platformId(), edit.platformMessageId(), parts.getFirst(), null);
    return new Delivered(edit.platformMessageId());
  }

  private DeliveryResult reaction(OutboundMessage message, Reaction reaction) throws CallFailed {
    Optional<String> name = SlackFormat.emojiName(reaction.emoji());
    if (name.isEmpty()) {
      return new Permanent(
          "Slack reactions take emoji names; no name is known for " + reaction.emoji()
              + " (send a name such as :tada:)");
    }
    api.react(message.platformId(), reaction.platformMessageId(), name.get());
    return new Delivered(reaction.platformMessageId());
  }

  private DeliveryResult question(OutboundMessage message, Question question) throws CallFailed {
    String blocks;
    try {
      blocks = SlackQuestions.blocks(question);
    } catch (IllegalArgumentException e) {
      return new Permanent(e.getMessage());
    }
    String ts =
        api.post(
            message.platformId(),
            message.threadId(),
            SlackFormat.escape(SlackQuestions.text(question)),
            true,
            blocks);
    return new Delivered(ts);
  }

  private synchronized List<String> remembered(String id) {
    List<String> done = posted.get(id);
    return done == null ? new ArrayList<>() : new ArrayList<>(done);
  }

  private synchronized void remember(String id, List<String> done) {
    posted.put(id, List.copyOf(done));
  }

  private synchronized void forget(String id) {
    posted.remove(id);
  }
}
