package dev.switchboard.plugins.slack;

import static java.util.Objects.requireNonNull;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.request.files.FilesCompleteUploadExternalRequest.FileDetails;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.files.FilesGetUploadURLExternalResponse;
import com.slack.api.model.User;
import com.slack.api.util.http.SlackHttpClient;
import dev.switchboard.plugin.api.DeliveryResult.Permanent;
import dev.switchboard.plugin.api.DeliveryResult.RateLimited;
import dev.switchboard.plugin.api.DeliveryResult.Transient;
import dev.switchboard.plugin.api.OutboundContent;
import dev.switchboard.plugins.slack.SlackErrors.CallFailed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The Web API calls the channel makes, through the Slack SDK pointed at {@code apiUrl}, and the
 * plain HTTP of file transfers. Every failure comes out as {@link CallFailed}, classified once.
 *
 * <p>Two SDK instances share one OkHttp connection pool and dispatcher: one with the configured
 * call timeout for sending, one with a short timeout for the look-ups done while an event waits
 * for its acknowledgement (Slack allows 3 seconds). Names of people and conversations are cached
 * for an hour, so a busy conversation costs one users.info and one conversations.info an hour
 * (both Tier 4 / Tier 3 methods). When a look-up fails, what was learnt before stands in, however
 * old.
 */
final class SlackApi implements AutoCloseable {
  static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(1500);
  private static final Duration NAME_TTL = Duration.ofHours(1);
  private static final MediaType BYTES = MediaType.get("application/octet-stream");

  /** What auth.test says about the bot token: the bot's user id, its bot id and its workspace. */
  record Identity(String userId, String botId, String teamId) {}

  /** What conversations.info says about a conversation. */
  record Conversation(String name, boolean im, boolean mpim) {}

  private record Cached<T>(Optional<T> value, Instant until) {}

  private final SlackSettings settings;
  private final Clock clock;
  private final SlackConfig config;
  private final OkHttpClient http;
  private final OkHttpClient downloads;
  private final Slack slack;
  private final MethodsClient methods;
  private final MethodsClient lookups;
  private final Map<String, Cached<String>> userNames = new ConcurrentHashMap<>();
  private final Map<String, Cached<Conversation>> conversations = new ConcurrentHashMap<>();

  SlackApi(SlackSettings settings, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(settings.apiUrl().toString());
    // Stats would first call auth.test for a team id and keep a background thread per config.
    config.setStatsEnabled(false);
    config.synchronizeMetricsDatabases();
    http =
        SlackHttpClient.buildOkHttpClient(config)
            .newBuilder()
            .callTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
            // OkHttp would otherwise send a call again, at once and unseen by the delivery part,
            // when a reused connection fails under it (and again on the next pooled one), even after
            // the request went out: a chat.postMessage Slack may already have posted. The delivery
            // part retries instead, counted and backed off.
            .retryOnConnectionFailure(false)
            .build();
    // url_private_download answers with a redirect to the file's host; OkHttp drops the
    // Authorization header when a redirect leaves the host it was sent to.
    downloads = http.newBuilder().followRedirects(true).followSslRedirects(true).build();
    slack = Slack.getInstance(config, sdkClient(http));
    methods = slack.methods(settings.botToken());
    OkHttpClient quick =
        http.newBuilder().callTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).build();
    lookups = Slack.getInstance(config, sdkClient(quick)).methods(settings.botToken());
  }

  private SlackHttpClient sdkClient(OkHttpClient client) {
    SlackHttpClient sdk = new SlackHttpClient(client);
    sdk.setConfig(config);
    return sdk;
  }

  /** The SDK instance for sending, for the Socket Mode client. */
  Slack sdk() {
    return slack;
  }

  String appToken() {
    return settings.appToken();
  }

  /** The bot's identity; fails with invalid_auth and the like when the bot token is wrong. */
  Identity authTest() throws CallFailed {
    AuthTestResponse auth = SlackErrors.call("auth.test", () -> methods.authTest(r -> r));
    return new Identity(auth.getUserId(), auth.getBotId(), auth.getTeamId());
  }

  /** A WebSocket URL for Socket Mode, from apps.connections.open with the app-level token. */
  String openSocketUrl() throws CallFailed {
    MethodsClient app = slack.methods(settings.appToken());
    return SlackErrors.call("apps.connections.open", () -> app.appsConnectionsOpen(r -> r))
        .getUrl();
  }

  /** Posts a message; returns its ts, the message's id. */
  String post(String channel, String threadTs, String text, boolean mrkdwn, String blocks)
      throws CallFailed {
    ChatPostMessageResponse response =
        SlackErrors.call(
            "chat.postMessage",
            () ->
                methods.chatPostMessage(
                    r -> r.channel(channel)
                        .threadTs(threadTs)
                        .text(text)
                        .mrkdwn(mrkdwn)
                        .blocksAsString(blocks)));
    return response.getTs();
  }

  /** Shows {@code text} to one person in a conversation, and to nobody else (chat.postEphemeral). */
  void tellOnly(String channel, String threadTs, String user, String text) throws CallFailed {
    SlackErrors.call(
        "chat.postEphemeral",
        () -> methods.chatPostEphemeral(r -> r.channel(channel).threadTs(threadTs).user(user).text(text)));
  }

  /** Replaces a message's text (and blocks; null removes none, "[]" removes all). */
  void update(String channel, String ts, String text, String blocks) throws CallFailed {
    SlackErrors.call(
        "chat.update",
        () -> methods.chatUpdate(r -> r.channel(channel).ts(ts).text(text).blocksAsString(blocks)));
  }

  /** Adds a reaction; one that is already there counts as added. */
  void react(String channel, String ts, String name) throws CallFailed {
    try {
      SlackErrors.call(
          "reactions.add", () -> methods.reactionsAdd(r -> r.channel(channel).timestamp(ts).name(name)));
    } catch (CallFailed e) {
      if (!e.is("already_reacted")) {
        throw e;
      }
    }
  }

  /**
   * A conversation's name and kind; when Slack does not say in time, as last learnt; else empty.
   */
  Optional<Conversation> conversation(String channel) {
    return cached(
        conversations,
        channel,
        () -> {
          var info =
              SlackErrors.call(
                      "conversations.info", () -> lookups.conversationsInfo(r -> r.channel(channel)))
                  .getChannel();
          return new Conversation(info.getName(), info.isIm(), info.isMpim());
        });
  }

  /** What was last learnt of a conversation, however long ago; no call is made. */
  Optional<Conversation> knownConversation(String channel) {
    return known(conversations, channel);
  }

  /** How a person is shown: display name, else real name, else user name; or empty. */
  Optional<String> userName(String user) {
    return cached(
        userNames,
        user,
        () -> {
          User found = SlackErrors.call("users.info", () -> lookups.usersInfo(r -> r.user(user))).getUser();
          User.Profile profile = found.getProfile();
          for (String name :
              new String[] {
                profile == null ? null : profile.getDisplayName(),
                profile == null ? null : profile.getRealName(),
                found.getRealName(),
                found.getName()
              }) {
            if (name != null && !name.isBlank()) {
              return name;
            }
          }
          return null;
        });
  }

  /** What was last learnt of a person's name, however long ago; no call is made. */
  Optional<String> knownUserName(String user) {
    return known(userNames, user);
  }

  /**
   * Uploads files the current way: files.getUploadURLExternal per file, the bytes to the URL it
   * hands out, then one files.completeUploadExternal that shares them all in the conversation with
   * {@code comment} as their message.
   */
  void share(String channel, String threadTs, String comment, List<OutboundContent.File> files)
      throws CallFailed {
    List<FileDetails> uploaded = new ArrayList<>();
    for (OutboundContent.File file : files) {
      long size;
      try {
        size = Files.size(file.path());
      } catch (IOException e) {
        throw new CallFailed(new Permanent("the file " + file.name() + " cannot be read"));
      }
      if (size > Integer.MAX_VALUE) {
        throw new CallFailed(new Permanent("the file " + file.name() + " is too big for Slack"));
      }
      FilesGetUploadURLExternalResponse target =
          SlackErrors.call(
              "files.getUploadURLExternal",
              () ->
                  methods.filesGetUploadURLExternal(
                      r -> r.filename(file.name()).length((int) size)));
      upload(target.getUploadUrl(), file);
      uploaded.add(new FileDetails(target.getFileId(), file.name(), null));
    }
    SlackErrors.call(
        "files.completeUploadExternal",
        () ->
            methods.filesCompleteUploadExternal(
                r -> r.files(uploaded).channelId(channel).threadTs(threadTs).initialComment(comment)));
  }

  private void upload(String url, OutboundContent.File file) throws CallFailed {
    Request request =
        new Request.Builder().url(url).post(RequestBody.create(file.path().toFile(), BYTES)).build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        String reason = "uploading " + file.name() + " failed: HTTP " + response.code();
        throw new CallFailed(
            response.code() == 429
                ? new RateLimited(SlackErrors.retryAfter(response.header("Retry-After")), reason)
                : response.code() >= 500
                    ? new Transient(reason)
                    : new Permanent(reason));
      }
    } catch (IOException e) {
      throw new CallFailed(
          new Transient("uploading " + file.name() + " failed: " + e.getClass().getSimpleName()));
    }
  }

  /**
   * Downloads a shared file with the bot token into {@code target}. Returns false, leaving no file,
   * when it is bigger than {@code maxBytes}.
   */
  boolean download(String url, Path target, long maxBytes) throws IOException {
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + settings.botToken())
            .get()
            .build();
    try (Response response = downloads.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (!response.isSuccessful() || body == null) {
        throw new IOException("HTTP " + response.code());
      }
      if (body.contentLength() > maxBytes) {
        return false;
      }
      Files.createDirectories(target.getParent());
      long total = 0;
      try (InputStream in = body.byteStream();
          OutputStream out = Files.newOutputStream(target)) {
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          total += n;
          if (total > maxBytes) {
            break;
          }
          out.write(buffer, 0, n);
        }
      }
      if (total > maxBytes) {
        Files.deleteIfExists(target);
        return false;
      }
      return true;
    }
  }

  @FunctionalInterface
  private interface Lookup<T> {
    T get() throws CallFailed;
  }

  // A failed look-up is not cached: the next message asks again. Until then an expired entry
  // stands in, so that a name once known is not lost to one slow call.
  private <T> Optional<T> cached(Map<String, Cached<T>> cache, String key, Lookup<T> lookup) {
    Instant now = clock.instant();
    Cached<T> hit = cache.get(key);
    if (hit != null && hit.until().isAfter(now)) {
      return hit.value();
    }
    try {
      Optional<T> value = Optional.ofNullable(lookup.get());
      cache.put(key, new Cached<>(value, now.plus(NAME_TTL)));
      return value;
    } catch (CallFailed e) {
      return hit == null ? Optional.empty() : hit.value();
    }
  }

  private static <T> Optional<T> known(Map<String, Cached<T>> cache, String key) {
    Cached<T> hit = cache.get(key);
    return hit == null ? Optional.empty() : hit.value();
  }

  /**
   * Ends the SDK's and OkHttp's threads and connections. Calls still running (a file download of
   * the pending journal, say) are cancelled and fail with an IOException.
   */
  @Override
  public void close() {
    http.dispatcher().cancelAll();
    http.dispatcher().executorService().shutdownNow();
    http.connectionPool().evictAll();
    try {
      config.close();
    } catch (Exception e) {
      // Only the SDK's stats threads are closed here, and they were never started.
    }
  }
}
