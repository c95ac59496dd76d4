package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.engine.port.DeviceStatus;
import dev.mediasync.engine.port.PresenceStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PresenceStore} adapter must show (the numbered rules of the port). An
 * adapter's test extends this class and supplies {@link #newStore()}; shared adapters also supply
 * {@link #newOtherNode()} (a second store over the same backend) and {@link
 * #newStoreWithTimeout(Duration)} (a node whose connections expire after a short timeout), which
 * enable the cross-node and no-ghost tests.
 *
 * <p>Every test uses user ids unique to the run ({@link #user(String)}).
 */
public abstract class PresenceStoreContract {

  protected static final long TIMEOUT_SECONDS = 10;

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private PresenceStore store;

  /** A store (node A). Called once before every test. */
  protected abstract PresenceStore newStore();

  /** A second store over the same backend (node B), or null if the adapter is single-node. */
  protected PresenceStore newOtherNode() {
    return null;
  }

  /**
   * A store over the same backend whose connections stop counting {@code timeout} after their last
   * connect/touch, or null if the adapter is single-node (its presence dies with its node).
   */
  protected PresenceStore newStoreWithTimeout(Duration timeout) {
    return null;
  }

  /** The short timeout used by the no-ghost tests; real time passes, so keep it small. */
  protected Duration shortTimeout() {
    return Duration.ofMillis(1_500);
  }

  protected final PresenceStore store() {
    return store;
  }

  /** A user id unique to this run. */
  protected final String user(String base) {
    return base + "-" + run;
  }

  @BeforeEach
  final void openStore() {
    store = newStore();
  }

  // ---------------------------------------------------------------- rule 1: connections

  @Test
  void firstConnection_bringsDeviceOnline_secondDoesNot() {
    String u = user("count");
    assertThat(await(store.connected(u, info("tv"), "c1", T0))).isTrue();
    assertThat(await(store.connected(u, info("tv"), "c2", T0))).isFalse();

    assertThat(await(store.device(u, "tv")).online()).isTrue();
    assertThat(await(store.devices(u))).hasSize(1);
  }

  @Test
  void twoConnections_deviceOnlineUntilBothClose() {
    String u = user("two");
    await(store.connected(u, info("tv"), "c1", T0));
    await(store.connected(u, info("tv"), "c2", T0));

    assertThat(await(store.disconnected(u, "tv", "c1", T0.plusSeconds(1)))).isFalse();
    assertThat(await(store.device(u, "tv")).online()).isTrue();
    assertThat(await(store.disconnected(u, "tv", "c2", T0.plusSeconds(2)))).isTrue();
    assertThat(await(store.device(u, "tv")).online()).isFalse();
  }

  @Test
  void disconnect_unknownConnectionOrDevice_isNotATransition() {
    String u = user("unknown-conn");
    await(store.connected(u, info("tv"), "c1", T0));

    assertThat(await(store.disconnected(u, "tv", "nope", T0))).isFalse();
    assertThat(await(store.disconnected(u, "radio", "c1", T0))).isFalse();
    assertThat(await(store.disconnected(user("nobody"), "tv", "c1", T0))).isFalse();
    assertThat(await(store.device(u, "tv")).online()).isTrue();
  }

  @Test
  void disconnectTwice_onlyFirstIsATransition_andReconnectComesOnlineAgain() {
    String u = user("twice");
    await(store.connected(u, info("tv"), "c1", T0));
    assertThat(await(store.disconnected(u, "tv", "c1", T0))).isTrue();
    assertThat(await(store.disconnected(u, "tv", "c1", T0))).isFalse();

    assertThat(await(store.connected(u, info("tv"), "c2", T0.plusSeconds(5)))).isTrue();
  }

  // ---------------------------------------------------------------- rule 2: exact transitions

  @Test
  void concurrentConnectsAndDisconnects_exactlyOneTransitionEach() throws Exception {
    String u = user("race");
    int n = 32;
    List<Future<Boolean>> connects = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(n, i -> connects.add(store.connected(u, info("tv"), "c" + i, T0)));
    assertThat(connects.stream().filter(f -> await(f)).count()).isEqualTo(1);

    List<Future<Boolean>> disconnects = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(n, i -> disconnects.add(store.disconnected(u, "tv", "c" + i, T0)));
    assertThat(disconnects.stream().filter(f -> await(f)).count()).isEqualTo(1);
    assertThat(await(store.device(u, "tv")).online()).isFalse();
  }

  // ---------------------------------------------------------------- devices and last seen

  @Test
  void devices_sortedById_withInfoOnlineAndLastSeen() {
    String u = user("list");
    await(
        store.connected(
            u, new DeviceInfo("tv", "Living room", "tv", List.of("play", "cast")), "c1", T0));
    await(store.connected(u, info("phone"), "c2", T0.plusSeconds(1)));
    await(store.connected(u, info("a-tablet"), "c3", T0.plusSeconds(2)));
    await(store.disconnected(u, "a-tablet", "c3", T0.plusSeconds(3)));

    List<DeviceStatus> devices = await(store.devices(u));

    assertThat(devices)
        .extracting(d -> d.info().deviceId())
        .containsExactly("a-tablet", "phone", "tv");
    assertThat(devices).extracting(DeviceStatus::online).containsExactly(false, true, true);
    assertThat(devices)
        .extracting(DeviceStatus::lastSeen)
        .containsExactly(T0.plusSeconds(3), T0.plusSeconds(1), T0);
    DeviceInfo tv = devices.get(2).info();
    assertThat(tv.name()).isEqualTo("Living room");
    assertThat(tv.type()).isEqualTo("tv");
    assertThat(tv.capabilities()).containsExactly("play", "cast");
    assertThat(devices.get(1).info().name()).isNull();
    assertThat(devices.get(1).info().capabilities()).isEmpty();
  }

  @Test
  void touch_advancesLastSeen_neverBackwards() {
    String u = user("touch");
    await(store.connected(u, info("tv"), "c1", T0));
    await(store.touch(u, "tv", "c1", T0.plusSeconds(30)));
    assertThat(await(store.device(u, "tv")).lastSeen()).isEqualTo(T0.plusSeconds(30));

    await(store.touch(u, "tv", "c1", T0.plusSeconds(10)));
    assertThat(await(store.device(u, "tv")).lastSeen()).isEqualTo(T0.plusSeconds(30));
  }

  @Test
  void reconnectWithoutInfo_keepsWhatTheDeviceSaidBefore() {
    String u = user("merge");
    await(store.connected(u, new DeviceInfo("tv", "TV", "tv", List.of("play")), "c1", T0));
    await(store.disconnected(u, "tv", "c1", T0));
    await(store.connected(u, info("tv"), "c2", T0.plusSeconds(1)));

    DeviceInfo tv = await(store.device(u, "tv")).info();
    assertThat(tv.name()).isEqualTo("TV");
    assertThat(tv.type()).isEqualTo("tv");
    assertThat(tv.capabilities()).containsExactly("play");
  }

  @Test
  void unknownDevice_isNull_unknownUser_hasNoDevices() {
    String u = user("none");
    await(store.connected(u, info("tv"), "c1", T0));

    assertThat(await(store.device(u, "radio"))).isNull();
    assertThat(await(store.device(user("nobody"), "tv"))).isNull();
    assertThat(await(store.devices(user("nobody")))).isEmpty();
  }

  @Test
  void users_areIsolated() {
    String alice = user("alice");
    String bob = user("bob");
    String aliceDotted = alice + ".x";
    await(store.connected(alice, info("tv"), "c1", T0));
    await(store.connected(bob, info("phone"), "c2", T0));

    assertThat(await(store.devices(alice)))
        .extracting(d -> d.info().deviceId())
        .containsExactly("tv");
    assertThat(await(store.devices(bob)))
        .extracting(d -> d.info().deviceId())
        .containsExactly("phone");
    assertThat(await(store.devices(aliceDotted))).isEmpty();
    assertThat(await(store.device(bob, "tv"))).isNull();
    // The same device and connection ids under another user are another device.
    assertThat(await(store.connected(bob, info("tv"), "c1", T0))).isTrue();
    assertThat(await(store.disconnected(bob, "tv", "c1", T0))).isTrue();
    assertThat(await(store.device(alice, "tv")).online()).isTrue();
  }

  @Test
  void ping_succeeds() {
    await(store.ping());
  }

  // ---------------------------------------------------------------- shared across nodes

  @Test
  void connectionOnNodeA_isVisibleFromNodeB_andCountsWithNodeBsConnections() {
    PresenceStore other = newOtherNode();
    assumeThat(other).as("single-node adapter").isNotNull();
    String u = user("shared");
    assertThat(await(store.connected(u, info("tv"), "a-1", T0))).isTrue();

    assertThat(await(other.device(u, "tv")).online()).isTrue();
    assertThat(await(other.devices(u))).hasSize(1);
    assertThat(await(other.connected(u, info("tv"), "b-1", T0))).isFalse();
    assertThat(await(store.disconnected(u, "tv", "a-1", T0))).isFalse();
    assertThat(await(other.disconnected(u, "tv", "b-1", T0))).isTrue();
    assertThat(await(store.device(u, "tv")).online()).isFalse();
  }

  @Test
  void nodeThatStopsRefreshing_itsConnectionsExpireWithinTheTimeout_noGhosts() {
    Duration timeout = shortTimeout();
    PresenceStore dying = newStoreWithTimeout(timeout);
    assumeThat(dying).as("single-node adapter: presence dies with its node").isNotNull();
    String u = user("ghost");
    assertThat(await(dying.connected(u, info("tv"), "dead-1", T0))).isTrue();
    assertThat(await(store.device(u, "tv")).online()).isTrue();

    sleep(timeout.plusMillis(700));

    assertThat(await(store.device(u, "tv")).online()).as("expired connection").isFalse();
    assertThat(await(store.devices(u)).get(0).online()).isFalse();
    // The device coming back on a live node is a transition again.
    assertThat(await(store.connected(u, info("tv"), "live-1", T0.plusSeconds(90)))).isTrue();
  }

  @Test
  void touchedConnections_outliveTheTimeout() {
    Duration timeout = shortTimeout();
    PresenceStore node = newStoreWithTimeout(timeout);
    assumeThat(node).as("single-node adapter").isNotNull();
    String u = user("alive");
    await(node.connected(u, info("tv"), "c1", T0));
    long end = System.nanoTime() + timeout.multipliedBy(2).toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      await(node.touch(u, "tv", "c1", T0.plusSeconds(++i)));
      sleep(timeout.dividedBy(5));
    }
    assertThat(await(store.device(u, "tv")).online()).isTrue();
    assertThat(await(node.disconnected(u, "tv", "c1", T0.plusSeconds(99)))).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  protected static DeviceInfo info(String deviceId) {
    return new DeviceInfo(deviceId, null, null, List.of());
  }

  private interface IndexedTask {
    void run(int i);
  }

  private static void runConcurrently(int n, IndexedTask task) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  task.run(index);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.countDown();
                }
              });
      t.start();
    }
    start.countDown();
    assertThat(done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  protected static void sleep(Duration d) {
    Await.sleep(d);
  }

  /** The future's result, or the test fails after {@link #TIMEOUT_SECONDS}. */
  protected static <T> T await(Future<T> future) {
    return Await.result(future, TIMEOUT_SECONDS);
  }
}
