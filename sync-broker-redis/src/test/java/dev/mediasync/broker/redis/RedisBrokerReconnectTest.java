package dev.mediasync.broker.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.testkit.RedisAvailable;
import dev.mediasync.testkit.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis going away and coming back, simulated by a TCP proxy in front of the machine's Redis. */
class RedisBrokerReconnectTest {
  Vertx vertx;
  TcpProxy proxy;
  RedisBroker viaProxy;
  RedisBroker direct;
  final String ns = RedisTestKeys.newNamespace();
  final String user = "u-" + UUID.randomUUID();

  @BeforeEach
  void start() throws Exception {
    String url = RedisAvailable.require();
    vertx = Vertx.vertx();
    proxy = TcpProxy.start(RedisAvailable.host(), RedisAvailable.port());
    viaProxy =
        new RedisBroker(
            vertx,
            RedisSupport.client(vertx, "redis://127.0.0.1:" + proxy.port(), 2),
            "proxied",
            ns,
            5_000);
    direct = new RedisBroker(vertx, RedisSupport.client(vertx, url, 2), "direct", ns, 5_000);
    await(viaProxy.ready());
    await(direct.ready());
  }

  @AfterEach
  void stop() {
    await(viaProxy.close());
    await(direct.close());
    proxy.close();
    vertx.close();
  }

  @Test
  void redisDown_publishAndPingFailFast_gapReported_thenResubscribedAndDeliveringAgain() {
    List<String> received = new CopyOnWriteArrayList<>();
    AtomicInteger gaps = new AtomicInteger();
    viaProxy.onDeliveryGap(gaps::incrementAndGet);
    await(viaProxy.subscribe(user, e -> received.add(e.json())));
    await(direct.publish(env(1)));
    waitFor(() -> received.size() == 1);

    proxy.cut();
    waitFor(() -> gaps.get() == 1);
    long started = System.nanoTime();
    assertThat(failure(viaProxy.publish(env(2)))).isInstanceOf(RedisUnavailableException.class);
    assertThat(failure(viaProxy.ping())).isNotNull();
    assertThat(failure(viaProxy.subscribe("other", e -> {}))).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    await(direct.publish(env(3))); // lost for the proxied node: it is not subscribed right now

    proxy.resume();
    waitFor(() -> ping(viaProxy));
    // Re-subscribed: what is published now arrives again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!received.contains(env(4).json()) && System.nanoTime() < deadline) {
      await(direct.publish(env(4)));
      sleep(100);
    }
    assertThat(received).contains(env(1).json(), env(4).json()).doesNotContain(env(3).json());
  }

  private Envelope env(int n) {
    return new Envelope(
        user,
        Topic.SYNC,
        "{\"n\":" + n + "}",
        Route.EVERY_DEVICE,
        HybridTimestamp.of(1_000 + n, 0));
  }

  private static boolean ping(RedisBroker b) {
    try {
      b.ping().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
