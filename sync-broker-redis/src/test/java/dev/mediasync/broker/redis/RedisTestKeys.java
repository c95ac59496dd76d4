package dev.mediasync.broker.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A key namespace unique to one test class, and its clean-up (only our keys, never a flush). Also
 * used by sync-app's multi-node tests, through this module's test jar.
 */
public final class RedisTestKeys {
  private RedisTestKeys() {}

  public static String newNamespace() {
    return "mstest-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Deletes every key starting with {@code namespace} (SCAN + DEL). */
  public static void deleteAll(Vertx vertx, String url, String namespace) throws Exception {
    Redis client = RedisSupport.client(vertx, url, 1);
    try {
      String cursor = "0";
      do {
        Response r =
            client
                .send(
                    Request.cmd(Command.SCAN)
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(namespace + "*")
                        .arg("COUNT")
                        .arg(1000))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        cursor = r.get(0).toString();
        List<String> keys = new ArrayList<>();
        r.get(1).forEach(k -> keys.add(k.toString()));
        if (!keys.isEmpty()) {
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          client.send(del).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      } while (!"0".equals(cursor));
    } finally {
      client.close();
    }
  }
}
