package dev.mediasync.broker.redis;

import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.testkit.PresenceStoreContract;
import dev.mediasync.testkit.RedisAvailable;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Redis presence against the contract, including two nodes and expiry of a dead node's keys. */
class RedisPresenceStoreContractTest extends PresenceStoreContract {
  static Vertx vertx;
  static String url;
  static Redis client;
  static final String NAMESPACE = RedisTestKeys.newNamespace();

  @BeforeAll
  static void redis() {
    url = RedisAvailable.require();
    vertx = Vertx.vertx();
    client = RedisSupport.client(vertx, url, 8);
    // Warm up (class loading, first connection): a cold start on a busy machine takes seconds.
    await(new RedisPresenceStore(client, NAMESPACE, Duration.ofSeconds(1), 30_000).ping());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (vertx != null) {
      RedisTestKeys.deleteAll(vertx, url, NAMESPACE);
      client.close();
      vertx.close();
    }
  }

  @Override
  protected PresenceStore newStore() {
    return new RedisPresenceStore(client, NAMESPACE, Duration.ofSeconds(60), 5_000);
  }

  @Override
  protected PresenceStore newOtherNode() {
    return new RedisPresenceStore(
        RedisSupport.client(vertx, url, 2), NAMESPACE, Duration.ofSeconds(60), 5_000);
  }

  @Override
  protected PresenceStore newStoreWithTimeout(Duration timeout) {
    return new RedisPresenceStore(client, NAMESPACE, timeout, 5_000);
  }
}
