package dev.switchboard.plugin.api;

/**
 * A setting is missing or wrong. The message says which setting and how to fix it, and never
 * contains a secret's value. Thrown at start-up, it stops the gateway (or, from a channel factory,
 * that one channel).
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
