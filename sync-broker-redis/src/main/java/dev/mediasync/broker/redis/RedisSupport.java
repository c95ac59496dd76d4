package dev.mediasync.broker.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * Creates the Redis clients of the adapters from {@code SYNC_REDIS_URL} ({@code
 * redis://host:port}).
 */
public final class RedisSupport {
  /** Connect timeout: a node must notice an unreachable Redis quickly, not after a minute. */
  public static final int CONNECT_TIMEOUT_MS = 2_000;

  private RedisSupport() {}

  public static Redis client(Vertx vertx, String url, int maxPoolSize) {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(url)
            .setMaxPoolSize(maxPoolSize)
            .setMaxPoolWaiting(4_096)
            .setMaxWaitingHandlers(65_536)
            .setNetClientOptions(
                new NetClientOptions()
                    .setConnectTimeout(CONNECT_TIMEOUT_MS)
                    .setTcpNoDelay(true)
                    .setTcpKeepAlive(true));
    return Redis.createClient(vertx, options);
  }
}
