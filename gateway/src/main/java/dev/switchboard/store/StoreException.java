package dev.switchboard.store;

/** A database could not be read or written (disk full, read-only, corrupt, locked too long). */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
