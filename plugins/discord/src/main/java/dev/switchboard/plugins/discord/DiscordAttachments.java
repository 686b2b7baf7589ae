package dev.switchboard.plugins.discord;

import static java.util.Objects.requireNonNull;

import dev.switchboard.plugin.api.InboundEvent.Attachment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.dv8tion.jda.api.entities.Message;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the files of an inbound message into the channel's data folder ({@code
 * files/<message id>/}), each within the size limit. A file over the limit, or one that cannot be
 * fetched, is left out and named in a note the agent reads with the text.
 */
final class DiscordAttachments {
  private static final Logger log = LoggerFactory.getLogger(DiscordAttachments.class);

  /** What came of a message's files: those downloaded, and a line per file left out. */
  record Downloaded(List<Attachment> files, List<String> notes) {
    Downloaded {
      files = List.copyOf(files);
      notes = List.copyOf(notes);
    }

    /** The text with a line per file left out appended. */
    String annotate(String text) {
      if (notes.isEmpty()) {
        return text;
      }
      return (text.isEmpty() ? "" : text + "\n") + String.join("\n", notes);
    }
  }

  private final Path folder;
  private final long maxBytes;
  private final OkHttpClient http;

  DiscordAttachments(Path folder, long maxBytes, OkHttpClient http) {
    this.folder = requireNonNull(folder, "folder is null");
    this.maxBytes = maxBytes;
    this.http = requireNonNull(http, "http is null");
  }

  Downloaded download(Message message) {
    List<Attachment> files = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    int index = 0;
    for (Message.Attachment attachment : message.getAttachments()) {
      index++;
      String name = safeName(attachment.getFileName(), index);
      if (attachment.getSize() > maxBytes) {
        notes.add("[file " + name + " (" + attachment.getSize() + " bytes) not downloaded: larger than "
            + maxBytes + " bytes]");
        continue;
      }
      try {
        Path target = folder.resolve(message.getId()).resolve(name);
        long size = fetch(attachment.getUrl(), target);
        files.add(new Attachment(name, attachment.getContentType(), size, target));
      } catch (IOException | RuntimeException e) {
        log.warn("Could not download attachment {} of Discord message {}: {}", name, message.getId(), e.toString());
        notes.add("[file " + name + " could not be downloaded]");
      }
    }
    return new Downloaded(files, notes);
  }

  private long fetch(String url, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Request request = new Request.Builder().url(url).get().build();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (!response.isSuccessful()) {
        throw new IOException("HTTP " + response.code());
      }
      long written = 0;
      try (InputStream in = body.byteStream();
          OutputStream out = Files.newOutputStream(target)) {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          written += n;
          if (written > maxBytes) {
            throw new IOException("larger than " + maxBytes + " bytes");
          }
          out.write(buffer, 0, n);
        }
      }
      return written;
    } catch (IOException e) {
      Files.deleteIfExists(target);
      throw e;
    }
  }

  /** A file name that stays inside its folder: no path separators, no dot-only names. */
  static String safeName(String name, int index) {
    String cleaned = name == null ? "" : name.replaceAll("[/\\\\\\x00-\\x1f]", "_").strip();
    if (cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.')) {
      return "file-" + index;
    }
    return cleaned.length() > 200 ? cleaned.substring(cleaned.length() - 200) : cleaned;
  }
}
