package dev.switchboard.plugin.api;

/**
 * Handles one HTTP request to a channel's webhook route. Runs on a virtual thread, so it may block
 * (a long poll may wait for tens of seconds). It should not throw: a bad request is a 4xx response.
 * An exception thrown anyway becomes a 500 without details; a {@link StoreUnavailableException}
 * becomes a 503.
 */
@FunctionalInterface
public interface WebhookHandler {
  WebhookResponse handle(WebhookRequest request);
}
