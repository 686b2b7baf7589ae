package dev.switchboard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The reference points every gateway figure is compared with, measured in the same run. */
final class MachineLimits {
  /** The bare HTTP rate and SQLite's commit rates. */
  record Result(
      int clients,
      Duration duration,
      ClosedLoopLoad.Result javalin,
      Path sqliteFolder,
      Map<SqliteCommitRate.Mode, SqliteCommitRate.Result> sqlite) {
    double javalinPerSecond() {
      return javalin.ackedPerSecond();
    }

    double sqliteDeletePerSecond() {
      return sqlite.get(SqliteCommitRate.Mode.DELETE_FULL).perSecond();
    }
  }

  private MachineLimits() {}

  /**
   * The bare Javalin endpoint under the same closed-loop client ({@code clients} at once, after a
   * warm-up), then each SQLite mode in {@code sqliteFolder}, each for {@code duration}.
   */
  static Result measure(int clients, Duration warmup, Duration duration, Path sqliteFolder)
      throws InterruptedException {
    List<String> chats = IntStream.range(0, 100).mapToObj(i -> "limit-" + i).toList();
    ClosedLoopLoad.Result javalin;
    try (BareJavalin server = BareJavalin.start();
        LoopbackHttp http = WebhookClient.newHttpClient()) {
      WebhookClient client = new WebhookClient(http, server.base(), "none");
      if (!warmup.isZero()) {
        ClosedLoopLoad.forDuration(client, clients, chats, "w-", warmup);
      }
      javalin = ClosedLoopLoad.forDuration(client, clients, chats, "m-", duration);
    }
    Map<SqliteCommitRate.Mode, SqliteCommitRate.Result> sqlite =
        new EnumMap<>(SqliteCommitRate.Mode.class);
    for (SqliteCommitRate.Mode mode : SqliteCommitRate.Mode.values()) {
      sqlite.put(mode, SqliteCommitRate.measure(sqliteFolder, mode, duration));
    }
    return new Result(clients, duration, javalin, sqliteFolder, sqlite);
  }
}
