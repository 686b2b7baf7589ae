package dev.switchboard.plugins.discord;

import java.io.IOException;
import java.util.Set;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Hands Discord's 502, 503, 504 and 52x answers to JDA as a 500, with the real status in {@link
 * #STATUS_HEADER}. JDA sends a request that got one of those again by itself, up to four times in
 * all, sleeping 0.5, 1, 2 and 4 s on the delivering thread between them: sends the delivery part
 * neither paces nor counts, on top of the retries it makes itself with its own backoff. JDA hands a
 * 500 back at once, so each delivery attempt is one request on the wire.
 */
final class ServerErrorPassThrough implements Interceptor {
  /** The status Discord really answered, on a response this interceptor turned into a 500. */
  static final String STATUS_HEADER = "X-Switchboard-Discord-Status";

  // JDA's own list (Requester.RETRY_ERROR_CODES in JDA 6).
  private static final Set<Integer> RETRIED_BY_JDA = Set.of(502, 503, 504, 520, 521, 522, 523, 524, 529);

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (!RETRIED_BY_JDA.contains(response.code())) {
      return response;
    }
    return response.newBuilder()
        .code(500)
        .header(STATUS_HEADER, Integer.toString(response.code()))
        .build();
  }
}
