package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.WriteResult;
import dev.mediasync.engine.port.ForwardingOpStore;
import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.SyncException;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The engine's several-node behaviour without Redis: engines ("nodes") sharing one in-process
 * broker and one store, each with its own clock.
 */
class SeveralEnginesTest {
  final InProcessBroker broker = new InProcessBroker();

  SyncEngine node(OpStore store, FakeClock clock) {
    return TestEngines.node(store, broker, clock);
  }

  static WatchlistWrite add(String id, String opId) {
    return TestEngines.add(id, opId);
  }

  @Test
  void cachedReplica_seesWritesMadeOnAnotherNode_andItsClockMovesPastThem() {
    InMemoryOpStore store = new InMemoryOpStore();
    FakeClock slow = new FakeClock(1_700_000_000_000L);
    FakeClock fast = new FakeClock(1_700_000_010_000L);
    SyncEngine a = node(store, slow);
    SyncEngine b = node(store, fast);
    await(a.sync().state("u")); // cached on node A

    WriteResult onB = await(b.sync().write("u", "tv", add("x", null)));

    assertThat(await(a.sync().state("u")).watchlist().contains("x")).isTrue();
    WriteResult onA = await(a.sync().write("u", "phone", add("y", null)));
    assertThat(onA.op().timestamp().isAfter(onB.op().timestamp())).isTrue();
    assertThat(await(b.sync().state("u")).watchlist().elements()).containsExactly("x", "y");
  }

  @Test
  void staleTimestamp_reloadsAndRetries_theClientGetsOneSuccessfulAnswer() {
    HybridTimestamp newest = HybridTimestamp.of(1_700_000_050_000L, 3);
    AtomicInteger refusals = new AtomicInteger();
    OpStore store =
        new Wrapping(new InMemoryOpStore()) {
          @Override
          public Future<Void> append(LoggedOp op) {
            if (!op.timestamp().isAfter(newest)) {
              refusals.incrementAndGet();
              return Future.failedFuture(new StaleTimestampException(op.userId(), newest));
            }
            return super.append(op);
          }
        };
    SyncEngine a = node(store, new FakeClock(1_700_000_000_000L));

    WriteResult r = await(a.sync().write("u", "phone", add("x", "op-1")));

    assertThat(refusals.get()).isEqualTo(1);
    assertThat(r.op().timestamp().isAfter(newest)).isTrue();
    assertThat(r.duplicate()).isFalse();
    assertThat(await(a.sync().state("u")).watchlist().contains("x")).isTrue();
  }

  @Test
  void staleForever_givesUpAfterThreeAttempts_asUnavailable() {
    AtomicInteger attempts = new AtomicInteger();
    OpStore store =
        new Wrapping(new InMemoryOpStore()) {
          @Override
          public Future<Void> append(LoggedOp op) {
            attempts.incrementAndGet();
            return Future.failedFuture(new StaleTimestampException(op.userId(), op.timestamp()));
          }
        };
    SyncEngine a = node(store, new FakeClock(1_700_000_000_000L));

    Throwable failure = awaitFailure(a.sync().write("u", "phone", add("x", null)));

    assertThat(attempts.get()).isEqualTo(3);
    assertThat(((SyncException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void opIdAlreadyStoredByAnotherNode_answersAsARetry_notAConflict() {
    InMemoryOpStore store = new InMemoryOpStore();
    SyncEngine a = node(store, new FakeClock(1_700_000_000_000L));
    SyncEngine b = node(store, new FakeClock(1_700_000_000_500L));
    await(a.sync().state("u")); // node A's replica is cached before B's write
    // B writes op-1; A's cached replica hears of the op but not of its op id.
    WriteResult first = await(b.sync().write("u", "tv", add("x", "op-1")));

    WriteResult again = await(a.sync().write("u", "tv", add("x", "op-1")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.op().timestamp()).isEqualTo(first.op().timestamp());
  }

  // ---------------------------------------------------------------- helpers

  /** Delegates everything; tests override what they need. */
  static class Wrapping extends ForwardingOpStore {
    Wrapping(OpStore d) {
      super(d);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable awaitFailure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
