package dev.mediasync.broker.pubnub;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.testkit.BrokerContract;
import dev.mediasync.testkit.pubnub.FakePubNub;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two PubNub brokers (node A, node B) over the local PubNub fake against the broker contract. */
class PubNubBrokerContractTest extends BrokerContract {
  static Vertx vertx;
  static FakePubNub fake;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    fake = FakePubNub.start(Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() {
    fake.close();
    vertx.close();
  }

  private static PubNubBroker broker(String origin, String node) {
    return new PubNubBroker(
        vertx,
        PubNubOptions.defaults(FakePubNub.PUBLISH_KEY, FakePubNub.SUBSCRIBE_KEY)
            .withOrigin(origin, false)
            .withUuid(node)
            .withRetry(2, Duration.ofMillis(20), Duration.ofMillis(100))
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)));
  }

  @Override
  protected Broker newBroker() {
    return broker(fake.origin(), "node-a");
  }

  @Override
  protected Broker newOtherNode() {
    return broker(fake.origin(), "node-b");
  }

  @Override
  protected Broker newUnreachableBroker() {
    return broker("127.0.0.1:1", "node-down");
  }
}
