package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.SyncService;
import dev.mediasync.engine.WriteResult;
import dev.mediasync.engine.port.ForwardingOpStore;
import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Cached user replicas are dropped after {@link SyncService#REPLICA_IDLE_EVICTION} of disuse, and
 * loaded again from the store when needed; the clock is a {@link FakeClock}.
 */
class ReplicaEvictionTest {
  private static final Duration PAST_IDLE = SyncService.REPLICA_IDLE_EVICTION.plusSeconds(1);

  final FakeClock clock = new FakeClock(1_700_000_000_000L);

  SyncEngine engine(OpStore store) {
    return TestEngines.node(store, new InProcessBroker(), clock);
  }

  static WatchlistWrite add(String id, String opId) {
    return TestEngines.add(id, opId);
  }

  @Test
  void idleReplica_isDropped_andLoadedAgainWithTheSameStateAndOpIds() {
    SyncEngine node = engine(new InMemoryOpStore());
    WriteResult first = await(node.sync().write("alice", "phone", add("tmdb:1", "op-1")));
    await(node.sync().write("bob", "tv", add("tmdb:2", null)));
    assertThat(node.sync().cachedReplicas()).isEqualTo(2);

    clock.advance(Duration.ofMinutes(1));
    assertThat(node.evictIdleReplicas()).isZero(); // used a minute ago
    clock.advance(PAST_IDLE);
    assertThat(node.evictIdleReplicas()).isEqualTo(2);
    assertThat(node.sync().cachedReplicas()).isZero();

    assertThat(await(node.sync().state("alice")).watchlist().contains("tmdb:1")).isTrue();
    WriteResult retry = await(node.sync().write("alice", "phone", add("tmdb:1", "op-1")));
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.op().timestamp()).isEqualTo(first.op().timestamp());
  }

  @Test
  void replicaInUse_isKept_however_idle() {
    SyncEngine node = engine(new InMemoryOpStore());
    await(node.sync().write("alice", "phone", add("tmdb:1", null)));
    clock.advance(PAST_IDLE);

    assertThat(node.sync().evictIdleReplicas(user -> user.equals("alice"))).isZero();
    assertThat(node.sync().cachedReplicas()).isEqualTo(1);
  }

  @Test
  void replicaWithAWriteOnItsWayToTheStore_isKept_untilTheWriteIsAnswered() {
    AtomicReference<Promise<Void>> held = new AtomicReference<>();
    InMemoryOpStore backing = new InMemoryOpStore();
    SyncEngine node =
        engine(
            new ForwardingOpStore(backing) {
              @Override
              public Future<Void> append(LoggedOp op) {
                if (held.get() == null) {
                  Promise<Void> p = Promise.promise();
                  held.set(p);
                  return p.future().compose(v -> backing.append(op));
                }
                return super.append(op);
              }
            });
    Future<WriteResult> pending = node.sync().write("alice", "phone", add("tmdb:1", null));
    clock.advance(PAST_IDLE);

    assertThat(node.evictIdleReplicas()).isZero();

    held.get().complete();
    await(pending);
    assertThat(node.evictIdleReplicas()).isEqualTo(1);
    assertThat(await(node.sync().state("alice")).watchlist().contains("tmdb:1")).isTrue();
  }

  static <T> T await(Future<T> f) {
    return Await.result(f, 10);
  }
}
