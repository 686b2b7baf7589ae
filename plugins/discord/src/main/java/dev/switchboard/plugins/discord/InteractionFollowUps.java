package dev.switchboard.plugins.discord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;

/**
 * What the HTTP interactions endpoint says after it has answered Discord: through the
 * interaction's own webhook, which takes the interaction's token and no bot token.
 */
interface InteractionFollowUps {

  /** Replaces the message the pressed button was on, its buttons removed. */
  void editOriginal(String applicationId, String token, String text) throws IOException, InterruptedException;

  /** Sends a message only the presser sees. */
  void tellOnly(String applicationId, String token, String text) throws IOException, InterruptedException;

  /** The follow-ups over Discord's REST API at {@code apiUrl} (ending in {@code /}). */
  static InteractionFollowUps over(String apiUrl, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return new InteractionFollowUps() {
      @Override
      public void editOriginal(String applicationId, String token, String text)
          throws IOException, InterruptedException {
        DataObject body = DataObject.empty().put("content", text).put("components", DataArray.empty());
        send("PATCH", apiUrl + "webhooks/" + applicationId + "/" + token + "/messages/@original", body);
      }

      @Override
      public void tellOnly(String applicationId, String token, String text)
          throws IOException, InterruptedException {
        send("POST", apiUrl + "webhooks/" + applicationId + "/" + token, DataObject.empty().put("content", text).put("flags", 64));
      }

      private void send(String method, String url, DataObject body) throws IOException, InterruptedException {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
          // The URL holds the interaction's token: name the method and status only.
          throw new IOException("Discord answered " + response.statusCode() + " to " + method + " of an interaction follow-up");
        }
      }
    };
  }
}
