package dev.switchboard.plugins.telegram;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.plugin.api.InboundEvent;
import dev.switchboard.plugin.api.InboundEvent.Attachment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of inbound messages, end to end: the real client polls the fake Bot API, asks getFile and
 * downloads each file; the gateway gets the message with the files, or with a note where a file
 * was too large to download.
 */
class TelegramFilesTest {
  @TempDir Path folder;
  private Harness harness;

  @BeforeEach
  void start() throws Exception {
    harness = Harness.polling(folder);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static byte[] bytes(int size, int seed) {
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = (byte) (i * 31 + seed);
    }
    return content;
  }

  /** A message from the fake's user in a private chat; {@code file} is added under {@code kind}. */
  private InboundEvent send(String caption, String kind, ObjectNode file) throws Exception {
    ObjectNode message = harness.api.userMessage(FakeBotApi.DIRECT, FakeBotApi.USER, caption);
    message.remove("text");
    message.put("caption", caption);
    if (kind.equals("photo")) {
      message.putArray("photo").add(file);
    } else {
      message.set(kind, file);
    }
    int id = harness.api.sendUpdate("message", message);
    return harness.context.awaitStored(String.valueOf(id), Harness.TIMEOUT);
  }

  private static ObjectNode file(String fileId, Integer size) {
    ObjectNode file = JsonNodeFactory.instance.objectNode();
    file.put("file_id", fileId).put("file_unique_id", "u-" + fileId);
    if (size != null) {
      file.put("file_size", size);
    }
    return file;
  }

  @Test
  void a_photo_and_a_voice_message_are_downloaded_whole_for_the_agent() throws Exception {
    harness.started();
    byte[] photo = bytes(300_000, 1); // several reads of the download buffer
    byte[] voice = bytes(4_321, 2);
    String photoId = harness.api.addFile(photo);
    String voiceId = harness.api.addFile(voice);

    InboundEvent withPhoto = send("the view", "photo", file(photoId, photo.length).put("width", 800).put("height", 600));
    InboundEvent withVoice = send("", "voice", file(voiceId, voice.length).put("duration", 2).put("mime_type", "audio/ogg"));

    assertEquals("the view", withPhoto.text());
    Attachment picture = withPhoto.attachments().get(0);
    assertEquals("photo-" + withPhoto.messageId() + ".jpg", picture.name());
    assertEquals("image/jpeg", picture.mimeType());
    assertEquals(photo.length, picture.size());
    assertArrayEquals(photo, Files.readAllBytes(picture.file()));
    Attachment spoken = withVoice.attachments().get(0);
    assertEquals("voice-" + withVoice.messageId() + ".ogg", spoken.name());
    assertEquals("audio/ogg", spoken.mimeType());
    assertArrayEquals(voice, Files.readAllBytes(spoken.file()));
    assertTrue(harness.api.calls().stream().filter(c -> c.method().equals("getfile")).count() >= 2);
  }

  @Test
  void a_file_getfile_calls_too_big_reaches_the_agent_as_a_note_with_the_message() throws Exception {
    harness.started();
    // Telegram leaves file_size out at times; then only getFile tells that the file is too big.
    String big = harness.api.addFile(new byte[20 * 1024 * 1024 + 1]);

    InboundEvent event =
        send("the recording", "document", file(big, null).put("file_name", "meeting.mp4").put("mime_type", "video/mp4"));

    assertEquals(List.of(), event.attachments());
    assertTrue(event.text().startsWith("the recording\n[the file meeting.mp4"), event.text());
    assertTrue(event.text().contains("was not downloaded: it is larger than the 20.0 MB this bot may download"), event.text());
    assertTrue(harness.api.calls().stream().anyMatch(c -> c.method().equals("getfile")), "getFile was asked");
  }

  @Test
  void a_download_that_grows_past_the_limit_is_cut_off_and_reaches_the_agent_as_a_note() throws Exception {
    harness.started(Map.of("files.maxSize", "1000"));
    harness.api.hideFileSizes();
    String voiceId = harness.api.addFile(bytes(5_000, 3));
    String small = harness.api.addFile(bytes(1_000, 4));

    InboundEvent event =
        send("two files", "voice", file(voiceId, null).put("duration", 9));
    InboundEvent fits = send("", "document", file(small, null).put("file_name", "notes.txt"));

    assertEquals(List.of(), event.attachments());
    assertTrue(event.text().startsWith("two files\n[the file voice-" + event.messageId() + ".ogg"), event.text());
    assertTrue(event.text().contains("was not downloaded: it is larger than the"), event.text());
    Path chatFiles = harness.context.dataDir().resolve("files").resolve(FakeBotApi.DIRECT);
    try (Stream<Path> left = Files.list(chatFiles)) {
      assertEquals(List.of("notes.txt"), left.map(p -> p.getFileName().toString().replaceFirst("^\\d+-", "")).toList(),
          "the cut-off download left no partial file behind");
    }
    assertEquals(1_000, fits.attachments().get(0).size(), "a file of exactly the limit is taken");
    assertTrue(Arrays.equals(bytes(1_000, 4), Files.readAllBytes(fits.attachments().get(0).file())));
  }
}
