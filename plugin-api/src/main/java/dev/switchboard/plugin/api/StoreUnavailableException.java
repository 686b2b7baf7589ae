package dev.switchboard.plugin.api;

/**
 * The gateway could not store an event. Nothing was stored, the platform must not be acknowledged;
 * webhook handlers answer 503 so that the sender retries.
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
