package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.DeviceCommandKind;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.RawJson;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.PreferenceUpdate;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Broker} adapter must show (the numbered rules of the port). An
 * adapter's test extends this class and supplies {@link #newBroker()}; adapters shared by several
 * nodes also override {@link #newOtherNode()} to return a second broker over the same backend, so
 * every delivery test runs node A → node B as well as within one node.
 *
 * <p>Every test uses user ids unique to the run ({@link #user(String)}), so a shared backend needs
 * no flushing.
 */
public abstract class BrokerContract {

  /** How long any single future or delivery may take before the test fails. */
  protected static final long TIMEOUT_SECONDS = 10;

  /** How long a test waits to be sure that nothing (more) arrives. */
  protected static final Duration QUIET = Duration.ofMillis(300);

  private Broker nodeA;
  private Broker nodeB;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** A new broker (node A). Called once before every test. */
  protected abstract Broker newBroker();

  /**
   * A second broker over the same backend as {@link #newBroker()} (node B), or null when the
   * adapter serves one node only (then node B is node A). Called once before every test.
   */
  protected Broker newOtherNode() {
    return null;
  }

  /**
   * A broker whose backend is unreachable, or null if the adapter cannot be unreachable (then the
   * publish-failure test only checks that a failing subscriber never throws into the publisher).
   */
  protected Broker newUnreachableBroker() {
    return null;
  }

  protected final Broker nodeA() {
    return nodeA;
  }

  protected final Broker nodeB() {
    return nodeB;
  }

  /** A user id unique to this run: {@code base-<run>}. */
  protected final String user(String base) {
    return base + "-" + run;
  }

  @BeforeEach
  final void openBrokers() {
    nodeA = newBroker();
    Broker other = newOtherNode();
    nodeB = other == null ? nodeA : other;
  }

  @AfterEach
  final void closeBrokers() {
    if (nodeB != null && nodeB != nodeA) {
      await(nodeB.close());
    }
    if (nodeA != null) {
      await(nodeA.close());
    }
  }

  // ---------------------------------------------------------------- order and delivery

  @Test
  void publish_thousandOnOneChannel_arriveInPublishOrderOnEveryNode() {
    String u = user("order");
    Recorder onA = new Recorder();
    Recorder onB = new Recorder();
    await(nodeA.subscribe(u, onA));
    await(nodeB.subscribe(u, onB));

    List<Future<Void>> published = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      published.add(nodeA.publish(op(u, i)));
    }
    published.forEach(BrokerContract::await);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      expected.add(op(u, i).json());
    }
    assertThat(onB.awaitJson(1_000)).containsExactlyElementsOf(expected);
    assertThat(onA.awaitJson(1_000)).containsExactlyElementsOf(expected);
  }

  @Test
  void publish_reachesEverySubscriberOfTheUserOnEveryNode_eachOnce() {
    String u = user("fanout");
    List<Recorder> recorders = List.of(new Recorder(), new Recorder(), new Recorder());
    await(nodeA.subscribe(u, recorders.get(0)));
    await(nodeB.subscribe(u, recorders.get(1)));
    await(nodeB.subscribe(u, recorders.get(2)));

    for (int i = 0; i < 10; i++) {
      await(nodeA.publish(op(u, i)));
    }
    await(nodeB.publish(op(u, 10)));

    for (Recorder r : recorders) {
      assertThat(r.awaitJson(11)).hasSize(11).doesNotHaveDuplicates();
    }
    sleep(QUIET);
    recorders.forEach(r -> assertThat(r.received).hasSize(11));
  }

  @Test
  void publish_preservesTopicRouteTimestampAndJsonExactly() {
    String u = user("fields");
    Recorder onB = new Recorder();
    await(nodeB.subscribe(u, onB));
    // Real messages as the engine publishes them (an adapter may validate what it receives), with
    // a value that stresses framing: separators, newline, quotes, non-ASCII and a surrogate pair.
    String tricky = "\"a|b\\nc \u00e9\u5343\ud83c\udfac \\\"q\\\"\"";
    HybridTimestamp maxish = HybridTimestamp.of(1L << 47, 65535);
    List<Envelope> sent =
        List.of(
            op(u, 1, "phone"),
            new Envelope(
                u,
                Topic.SYNC,
                CODEC.encode(new PreferenceUpdate("k", new RawJson(tricky), ts(2), "w")),
                Route.EVERY_DEVICE,
                ts(2)),
            new Envelope(
                u,
                Topic.DEVICES,
                CODEC.encode(
                    new DeviceCommand(
                        "tv:living-room@1", DeviceCommandKind.PLAY, "c1", 3.0, "phone", "h1")),
                Route.only("tv:living-room@1"),
                null),
            new Envelope(
                u,
                Topic.DEVICES,
                CODEC.encode(new DeviceOnline("a.b-c_d", null, null, Instant.ofEpochSecond(4))),
                Route.allExcept("a.b-c_d"),
                null),
            new Envelope(
                u,
                Topic.NOTIFICATIONS,
                CODEC.encode(
                    new Notification("n5", "news", "five", null, Instant.ofEpochSecond(5))),
                Route.EVERY_DEVICE,
                null),
            new Envelope(
                u,
                Topic.SYNC,
                CODEC.encode(new PreferenceUpdate("k", new RawJson("6"), maxish, "x")),
                Route.only("x"),
                maxish));
    sent.forEach(e -> await(nodeA.publish(e)));

    assertThat(onB.await(sent.size())).containsExactlyElementsOf(sent);
  }

  @Test
  void publish_reachesOnlyTheUsersOwnSubscribers() {
    String alice = user("iso");
    String dotted = "iso.sync-" + alice; // a user id that looks like a channel of another
    String prefixed = alice + ".x"; // user.<alice>.x.sync must not reach user.<alice>.*
    Recorder aliceRec = new Recorder();
    Recorder dottedRec = new Recorder();
    Recorder prefixedRec = new Recorder();
    await(nodeB.subscribe(alice, aliceRec));
    await(nodeB.subscribe(dotted, dottedRec));
    await(nodeB.subscribe(prefixed, prefixedRec));

    await(nodeA.publish(op(prefixed, 1)));
    await(nodeA.publish(op(dotted, 2)));
    await(nodeA.publish(op(alice, 3)));

    assertThat(aliceRec.awaitJson(1)).containsExactly(op(alice, 3).json());
    assertThat(dottedRec.awaitJson(1)).containsExactly(op(dotted, 2).json());
    assertThat(prefixedRec.awaitJson(1)).containsExactly(op(prefixed, 1).json());
    sleep(QUIET);
    assertThat(aliceRec.received).hasSize(1);
    assertThat(aliceRec.received.get(0).userId()).isEqualTo(alice);
  }

  @Test
  void unsubscribe_stopsDeliveryToThatHandlerOnly_andResubscribeWorks() {
    String u = user("unsub");
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    Broker.Subscription s1 = await(nodeB.subscribe(u, first));
    Broker.Subscription s2 = await(nodeB.subscribe(u, second));

    await(s1.unsubscribe());
    await(nodeA.publish(op(u, 1)));
    assertThat(second.awaitJson(1)).containsExactly(op(u, 1).json());

    await(s2.unsubscribe());
    await(nodeA.publish(op(u, 2)));
    sleep(QUIET);
    assertThat(first.received).isEmpty();
    assertThat(second.received).hasSize(1);

    Recorder third = new Recorder();
    await(nodeB.subscribe(u, third));
    await(nodeA.publish(op(u, 3)));
    assertThat(third.awaitJson(1)).containsExactly(op(u, 3).json());
  }

  @Test
  void subscribe_thenPublishRightAfterItsFutureCompletes_isAlwaysDelivered() {
    // Rule 5: once subscribe's future completed, an envelope published anywhere reaches it.
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String u = user("sbp" + i);
      Recorder r = new Recorder();
      await(nodeB.subscribe(u, r));
      await(nodeA.publish(op(u, i)));
      recorders.add(r);
    }
    for (int i = 0; i < recorders.size(); i++) {
      assertThat(recorders.get(i).awaitJson(1)).containsExactly(op(user("sbp" + i), i).json());
    }
  }

  @Test
  void subscribe_unsubscribeAndSubscribeAgainQuickly_deliversToTheNewSubscription() {
    String u = user("flap");
    for (int i = 0; i < 20; i++) {
      Recorder r = new Recorder();
      Broker.Subscription s = await(nodeB.subscribe(u, r));
      await(nodeA.publish(op(u, i)));
      assertThat(r.awaitJson(1)).containsExactly(op(u, i).json());
      s.unsubscribe(); // not awaited: the next subscribe races with it
    }
  }

  @Test
  void publish_neverThrows_evenWhenASubscriberDoes() {
    String u = user("throw");
    Recorder ok = new Recorder();
    await(
        nodeB.subscribe(
            u,
            e -> {
              throw new IllegalStateException("subscriber bug");
            }));
    await(nodeB.subscribe(u, ok));

    assertThatCode(() -> nodeA.publish(op(u, 1))).doesNotThrowAnyException();
    assertThat(ok.awaitJson(1)).containsExactly(op(u, 1).json());
  }

  @Test
  void publish_whenTheBackendIsUnreachable_failsItsFutureQuickly_withoutThrowing() {
    Broker down = newUnreachableBroker();
    assumeThat(down).as("adapter has no backend to lose").isNotNull();
    try {
      java.util.concurrent.atomic.AtomicReference<Future<Void>> f =
          new java.util.concurrent.atomic.AtomicReference<>();
      long started = System.nanoTime();
      assertThatCode(() -> f.set(down.publish(op(user("down"), 1)))).doesNotThrowAnyException();
      Throwable failure = awaitFailure(f.get());
      assertThat(failure).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(awaitFailure(down.ping())).isNotNull();
    } finally {
      await(down.close());
    }
  }

  @Test
  void ping_succeedsWhenReachable() {
    await(nodeA.ping());
    await(nodeB.ping());
  }

  // ---------------------------------------------------------------- helpers

  private static final JsonCodec CODEC = new JsonCodec();

  /** An op envelope numbered {@code n} for {@code userId}: a real op, as the engine publishes. */
  protected static Envelope op(String userId, int n) {
    return op(userId, n, "writer");
  }

  private static Envelope op(String userId, int n, String writer) {
    String json =
        CODEC.encode(new PreferenceUpdate("n", new RawJson(Integer.toString(n)), ts(n), writer));
    return new Envelope(userId, Topic.SYNC, json, Route.allExcept(writer), ts(n));
  }

  protected static HybridTimestamp ts(long n) {
    return HybridTimestamp.of(1_700_000_000_000L + n, (int) (n % 5));
  }

  /** Records envelopes; waits for a count. */
  protected static final class Recorder implements Consumer<Envelope> {
    final List<Envelope> received = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger inside =
        new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean overlapped;

    @Override
    public void accept(Envelope e) {
      // Rule 6: one thread at a time per subscription.
      if (inside.incrementAndGet() != 1) {
        overlapped = true;
      }
      received.add(e);
      inside.decrementAndGet();
    }

    public List<Envelope> await(int count) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (received.size() < count && System.nanoTime() < deadline) {
        sleep(Duration.ofMillis(5));
      }
      assertThat(overlapped).as("handler entered by two threads at once").isFalse();
      assertThat(received).as("envelopes received within %ss", TIMEOUT_SECONDS).hasSize(count);
      return List.copyOf(received);
    }

    public List<String> awaitJson(int count) {
      return await(count).stream().map(Envelope::json).toList();
    }
  }

  protected static void sleep(Duration d) {
    Await.sleep(d);
  }

  /** The future's result, or the test fails after {@link #TIMEOUT_SECONDS}. */
  protected static <T> T await(Future<T> future) {
    return Await.result(future, TIMEOUT_SECONDS);
  }

  /** The future's failure; the test fails if it succeeds or does not complete in time. */
  protected static Throwable awaitFailure(Future<?> future) {
    return Await.failure(future, TIMEOUT_SECONDS);
  }
}
