package dev.switchboard.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Row ids: a prefix, the time in base 36 (so ids sort roughly by creation), and randomness. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId(String prefix) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return prefix + "-" + Long.toString(System.currentTimeMillis(), 36) + "-" + HexFormat.of().formatHex(bytes);
  }
}
