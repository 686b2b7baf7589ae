package dev.switchboard.plugins.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.Permission;
import org.junit.jupiter.api.Test;

/** The invite link in docs/connect-discord.md asks for the permissions the channel uses. */
class InvitePermissionsTest {

  @Test
  void the_invite_link_asks_for_exactly_the_permissions_the_channel_uses() throws Exception {
    long needed =
        Permission.getRaw(
            Permission.VIEW_CHANNEL, // see chats; the catch-up reads every channel it can see
            Permission.MESSAGE_SEND,
            Permission.MESSAGE_SEND_IN_THREADS,
            Permission.MESSAGE_EMBED_LINKS,
            Permission.MESSAGE_ATTACH_FILES,
            Permission.MESSAGE_HISTORY, // the catch-up
            Permission.MESSAGE_ADD_REACTION,
            Permission.MESSAGE_EXT_EMOJI); // reactions with another server's custom emoji
    String guide = Files.readString(guide());

    Matcher link = Pattern.compile("scope=bot&permissions=(\\d+)").matcher(guide);
    assertTrue(link.find(), "the guide has an invite link");
    assertEquals(needed, Long.parseLong(link.group(1)));
    assertTrue(guide.contains("`" + needed + "` is the sum"), "the guide explains the number it uses");
  }

  private static Path guide() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs").resolve("connect-discord.md");
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("docs/connect-discord.md not found above " + Path.of("").toAbsolutePath());
  }
}
