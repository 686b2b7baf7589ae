package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

/**
 * A request the channel refuses, with the HTTP status and the reason told to the caller. The reason
 * names the offending field and never carries a secret. Handlers throw it; {@link WebhookHandlers}
 * turns it into a response in one place.
 */
final class WebhookProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  WebhookProblem(int status, String reason) {
    super(requireNonNull(reason, "reason is null"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    this.status = status;
  }

  static WebhookProblem badRequest(String reason) {
    return new WebhookProblem(400, reason);
  }

  int status() {
    return status;
  }
}
