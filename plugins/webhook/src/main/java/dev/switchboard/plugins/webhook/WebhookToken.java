package dev.switchboard.plugins.webhook;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token integrators must send. Its value never appears in a log line, a message or
 * {@link #toString()}.
 */
final class WebhookToken {
  private static final Logger log = LoggerFactory.getLogger(WebhookToken.class);
  private static final int GENERATED_BYTES = 32;
  private static final String BEARER = "bearer ";
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");

  private final byte[] value;

  private WebhookToken(String value) {
    requireNonNull(value, "value is null");
    if (value.isBlank()) {
      throw new IllegalArgumentException("the token is blank");
    }
    this.value = value.getBytes(StandardCharsets.UTF_8);
  }

  static WebhookToken of(String value) {
    return new WebhookToken(value);
  }

  /**
   * The configured token, else the one stored in {@code file}, else a new random one written there
   * (owner-only where the file system has POSIX permissions) so later starts reuse it.
   */
  static WebhookToken resolve(String configured, Path file) {
    if (configured != null) {
      return new WebhookToken(configured);
    }
    try {
      if (Files.exists(file)) {
        return stored(file);
      }
      WebhookToken generated = new WebhookToken(random());
      write(file, generated.value);
      log.info(
          "Generated the webhook bearer token and stored it in {} (set channels.webhook.token to"
              + " choose one instead)",
          file.toAbsolutePath());
      return generated;
    } catch (IOException e) {
      throw new ConfigException(
          "the webhook bearer token file "
              + file.toAbsolutePath()
              + " could not be read or written ("
              + e.getClass().getSimpleName()
              + "); fix its folder's permissions or set channels.webhook.token");
    }
  }

  /** Whether an {@code Authorization} header carries this token, compared in constant time. */
  boolean matches(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return false;
    }
    String header = authorization.get().strip();
    if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return false;
    }
    byte[] offered = header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(value, offered);
  }

  @Override
  public String toString() {
    return "WebhookToken[****]";
  }

  private static WebhookToken stored(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new ConfigException(
          "the webhook bearer token file "
              + file.toAbsolutePath()
              + " is empty; delete it to have a new token generated, or set"
              + " channels.webhook.token");
    }
    return new WebhookToken(text);
  }

  private static String random() {
    byte[] bytes = new byte[GENERATED_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // Written to a private temporary file first and moved into place, so that a crash never leaves
  // a half-written token file that a later start would take for the token.
  private static void write(Path file, byte[] token) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(temporary);
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<?>[] ownerOnly =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
            : new FileAttribute<?>[0];
    try (FileChannel channel = FileChannel.open(temporary, options, ownerOnly)) {
      channel.write(ByteBuffer.wrap(token));
      channel.force(true);
    }
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file);
    }
  }
}
