package dev.mediasync.broker.redis;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.testkit.BrokerContract;
import dev.mediasync.testkit.RedisAvailable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two Redis brokers (node A, node B) on the machine's Redis against the contract. */
class RedisBrokerContractTest extends BrokerContract {
  static Vertx vertx;
  static String url;
  static final String NAMESPACE = RedisTestKeys.newNamespace();

  @BeforeAll
  static void redis() {
    url = RedisAvailable.require();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
  }

  static RedisBroker broker(String url, String node) {
    return new RedisBroker(vertx, RedisSupport.client(vertx, url, 2), node, NAMESPACE, 5_000);
  }

  @Override
  protected Broker newBroker() {
    RedisBroker b = broker(url, "node-a");
    await(b.ready());
    return b;
  }

  @Override
  protected Broker newOtherNode() {
    RedisBroker b = broker(url, "node-b");
    await(b.ready());
    return b;
  }

  @Override
  protected Broker newUnreachableBroker() {
    return broker("redis://127.0.0.1:1", "node-down");
  }
}
