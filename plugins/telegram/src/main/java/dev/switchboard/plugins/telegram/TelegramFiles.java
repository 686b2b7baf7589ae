package dev.switchboard.plugins.telegram;

import dev.switchboard.plugin.api.InboundEvent.Attachment;
import dev.switchboard.plugins.telegram.TelegramInbound.FileRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Downloads the files of inbound messages into the channel's data folder ({@code files/<chat>/}),
 * never more than the size limit. The library's own download always goes to api.telegram.org, so
 * files are fetched from the configured Bot API URL here; a local Bot API server in {@code --local}
 * mode answers getFile with a path on its own disk, which is copied when this machine sees it.
 *
 * <p>A file that cannot be had becomes a note for the agent instead of an attachment.
 *
 * <p>Known debt: a download that fails for a passing reason (a network error) is not retried; the
 * agent gets the note. Fix: treat it like an unavailable store, so the update is read again later,
 * a bounded number of times.
 */
final class TelegramFiles {
  private final TelegramClient client;
  private final OkHttpClient http;
  private final URI apiUrl;
  private final String token;
  private final Path folder;
  private final long maxSize;

  /** A file downloaded, or the note the agent gets instead. */
  sealed interface Outcome {}

  record Downloaded(Attachment attachment) implements Outcome {}

  record Note(String text) implements Outcome {}

  TelegramFiles(
      TelegramClient client, OkHttpClient http, URI apiUrl, String token, Path folder, long maxSize) {
    this.client = client;
    this.http = http;
    this.apiUrl = apiUrl;
    this.token = token;
    this.folder = folder;
    this.maxSize = maxSize;
  }

  Outcome download(String chat, String messageId, FileRef ref) {
    File file;
    try {
      file = client.execute(new GetFile(ref.fileId()));
    } catch (TelegramApiException e) {
      TelegramApiRequestException refused = TelegramErrors.refusal(e);
      if (refused != null
          && refused.getApiResponse() != null
          && refused.getApiResponse().toLowerCase(Locale.ROOT).contains("too big")) {
        return new Note(TelegramInbound.tooLarge(ref.name(), sizeOr(ref, maxSize + 1), maxSize));
      }
      return new Note(cannot(ref, TelegramErrors.classify(e).reason()));
    }
    if (file.getFileSize() != null && file.getFileSize() > maxSize) {
      return new Note(TelegramInbound.tooLarge(ref.name(), file.getFileSize(), maxSize));
    }
    if (file.getFilePath() == null) {
      return new Note(cannot(ref, "Telegram gave no path to download it from"));
    }
    Path target;
    try {
      Path chatFolder = Files.createDirectories(folder.resolve(safe(chat)));
      target = chatFolder.resolve(safe(messageId) + "-" + safe(ref.name()));
    } catch (IOException e) {
      return new Note(cannot(ref, "the channel's data folder could not be written"));
    }
    try {
      long size = fetch(file.getFilePath(), target);
      if (size < 0) {
        Files.deleteIfExists(target);
        return new Note(TelegramInbound.tooLarge(ref.name(), sizeOr(ref, maxSize + 1), maxSize));
      }
      return new Downloaded(new Attachment(ref.name(), ref.mimeType(), size, target));
    } catch (IOException e) {
      deleteQuietly(target);
      return new Note(cannot(ref, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  /** Copies the file to {@code target}; returns its size, or -1 when it exceeds the limit. */
  private long fetch(String filePath, Path target) throws IOException {
    Path local = filePath.startsWith("/") ? Path.of(filePath) : null;
    if (local != null && Files.isRegularFile(local)) {
      try (InputStream in = Files.newInputStream(local)) {
        return copy(in, target);
      }
    }
    HttpUrl url =
        new HttpUrl.Builder()
            .scheme(apiUrl.getScheme())
            .host(apiUrl.getHost())
            .port(apiUrl.getPort() > 0 ? apiUrl.getPort() : HttpUrl.defaultPort(apiUrl.getScheme()))
            .addPathSegment("file")
            .addPathSegment("bot" + token)
            .addPathSegments(filePath.startsWith("/") ? filePath.substring(1) : filePath)
            .build();
    try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      ResponseBody body = response.body();
      if (!response.isSuccessful() || body == null) {
        throw new IOException("the Bot API answered HTTP " + response.code());
      }
      if (body.contentLength() > maxSize) {
        return -1;
      }
      try (InputStream in = body.byteStream()) {
        return copy(in, target);
      }
    }
  }

  private long copy(InputStream in, Path target) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(target)) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > maxSize) {
          return -1;
        }
        out.write(buffer, 0, read);
      }
    }
    return total;
  }

  private static String cannot(FileRef ref, String reason) {
    return "the file " + ref.name() + " could not be downloaded: " + reason;
  }

  private static long sizeOr(FileRef ref, long fallback) {
    return ref.size() == null ? fallback : ref.size();
  }

  /** A file name made safe for any file system: no separators, no dots at the start. */
  static String safe(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
    return cleaned.isEmpty() ? "_" : cleaned.length() > 120 ? cleaned.substring(cleaned.length() - 120) : cleaned;
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // Leaving a partial file behind is harmless: the next download of it overwrites it.
    }
  }
}
