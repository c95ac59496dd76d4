package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.DuplicateOpIdException;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StaleTimestampException;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OpStore} adapter must show (the numbered rules of the port). An
 * adapter's test extends this class and supplies {@link #newStore()}; durable adapters also
 * override {@link #survivesReopen()} and {@link #reopen()}.
 *
 * <p>Each test gets a fresh, empty store from {@link #newStore()}; it is closed after the test.
 */
public abstract class OpStoreContract {

  /** How long any single future may take before the test fails. */
  protected static final long TIMEOUT_SECONDS = 10;

  private static final long BASE_MILLIS = 1_700_000_000_000L;

  private OpStore store;

  /** A new, empty store. Called once before every test. */
  protected abstract OpStore newStore();

  /** True if a store opened by {@link #reopen()} sees what an earlier, closed one stored. */
  protected boolean survivesReopen() {
    return false;
  }

  /**
   * A new store over the same data as the last store from {@link #newStore()} (which the test has
   * closed). Only called when {@link #survivesReopen()} is true.
   */
  protected OpStore reopen() {
    throw new UnsupportedOperationException("this store does not survive a reopen");
  }

  /**
   * True if the store refuses an append whose timestamp is not after the user's newest stored one
   * ({@link OpStore} rule 7, required of stores shared by several nodes). Enables the
   * monotonic-timestamp tests and skips the one that appends out of timestamp order.
   */
  protected boolean enforcesMonotonicTimestamps() {
    return false;
  }

  /** The store under test. */
  protected final OpStore store() {
    return store;
  }

  @BeforeEach
  final void openStore() {
    store = newStore();
  }

  @AfterEach
  final void closeStore() {
    if (store != null) {
      await(store.close());
    }
  }

  // ---------------------------------------------------------------- append and load

  @Test
  void load_unknownUser_returnsEmptyLog() {
    UserLog log = await(store.load("nobody"));

    assertThat(log.snapshot()).isNull();
    assertThat(log.ops()).isEmpty();
  }

  @Test
  void append_thenLoad_returnsOpsInTimestampOrder() {
    List<LoggedOp> ops = IntStream.range(0, 20).mapToObj(i -> op("alice", ts(i), null)).toList();
    ops.forEach(o -> await(store.append(o)));

    assertThat(await(store.load("alice")).ops()).containsExactlyElementsOf(ops);
  }

  @Test
  void append_outOfTimestampOrder_loadOrdersByTimestamp() {
    assumeThat(enforcesMonotonicTimestamps()).as("store accepts out-of-order timestamps").isFalse();
    LoggedOp a = op("alice", HybridTimestamp.of(BASE_MILLIS, 0xFFFF), "a");
    LoggedOp b = op("alice", HybridTimestamp.of(BASE_MILLIS + 1, 0), "b");
    LoggedOp c = op("alice", HybridTimestamp.of(BASE_MILLIS + 1, 1), "c");
    LoggedOp d = op("alice", HybridTimestamp.of(BASE_MILLIS + 2, 0), "d");
    await(store.append(c));
    await(store.append(a));
    await(store.append(d));
    await(store.append(b));

    assertThat(await(store.load("alice")).ops()).containsExactly(a, b, c, d);
    assertThat(await(store.since("alice", a.timestamp(), 10)).ops()).containsExactly(b, c, d);
  }

  @Test
  void append_twoUsers_eachSeesOnlyOwnOps() {
    LoggedOp a1 = op("alice", ts(1), "x");
    LoggedOp b1 = op("bob", ts(2), "y");
    LoggedOp a2 = op("alice", ts(3), "z");
    await(store.append(a1));
    await(store.append(b1));
    await(store.append(a2));

    assertThat(await(store.load("alice")).ops()).containsExactly(a1, a2);
    assertThat(await(store.load("bob")).ops()).containsExactly(b1);
    assertThat(await(store.since("bob", HybridTimestamp.ZERO, 10)).ops()).containsExactly(b1);
    assertThat(await(store.since("alice", ts(1), 10)).ops()).containsExactly(a2);
  }

  @Test
  void append_manyBackToBack_futuresCompleteInCallOrder() {
    int n = 500;
    List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      Future<Void> f = store.append(op("alice", ts(i), "op-" + i));
      f.onComplete(ar -> completed.add(index));
      futures.add(f);
    }
    futures.forEach(OpStoreContract::await);

    assertThat(completed).containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
    assertThat(await(store.load("alice")).ops()).hasSize(n);
  }

  @Test
  void append_withoutOpIds_storesEveryOp() {
    for (int i = 0; i < 5; i++) {
      await(store.append(new LoggedOp("alice", ts(i), null, null, "{\"n\":" + i + "}")));
    }

    assertThat(await(store.load("alice")).ops()).hasSize(5);
  }

  // ---------------------------------------------------------------- idempotency (rule 3)

  @Test
  void append_sameUserAndTimestampTwice_succeedsAndStoresOnce() {
    LoggedOp first = op("alice", ts(1), "op-1");
    // A replay is the same op again (rule 3); a different op at this (user, ts) is not one.
    LoggedOp replay =
        new LoggedOp(
            first.userId(), first.timestamp(), first.opId(), first.fingerprint(), first.payload());
    await(store.append(first));
    await(store.append(replay));

    assertThat(await(store.load("alice")).ops()).containsExactly(first);
  }

  @Test
  void append_sameTimestampTwiceBackToBack_bothSucceedAndStoredOnce() {
    LoggedOp first = op("alice", ts(1), "op-1");
    Future<Void> f1 = store.append(first);
    Future<Void> f2 = store.append(first);
    await(f1);
    await(f2);

    assertThat(await(store.load("alice")).ops()).containsExactly(first);
  }

  @Test
  void append_sameOpIdDifferentTimestamp_failsWithDuplicateOpId() {
    LoggedOp first = op("alice", ts(1), "op-1");
    await(store.append(first));

    Throwable failure = awaitFailure(store.append(op("alice", ts(2), "op-1")));

    assertThat(failure).isInstanceOf(DuplicateOpIdException.class);
    assertThat(await(store.load("alice")).ops()).containsExactly(first);
  }

  @Test
  void append_sameOpIdBackToBack_failsOnlyTheSecond() {
    LoggedOp first = op("alice", ts(1), "op-1");
    LoggedOp after = op("alice", ts(3), "op-3");
    Future<Void> f1 = store.append(first);
    Future<Void> f2 = store.append(op("alice", ts(2), "op-1"));
    Future<Void> f3 = store.append(after);

    await(f1);
    assertThat(awaitFailure(f2)).isInstanceOf(DuplicateOpIdException.class);
    await(f3);
    assertThat(await(store.load("alice")).ops()).containsExactly(first, after);
  }

  @Test
  void append_sameOpIdDifferentUsers_bothSucceed() {
    LoggedOp a = op("alice", ts(1), "shared");
    LoggedOp b = op("bob", ts(1), "shared");
    await(store.append(a));
    await(store.append(b));

    assertThat(await(store.load("alice")).ops()).containsExactly(a);
    assertThat(await(store.load("bob")).ops()).containsExactly(b);
  }

  // ---------------------------------------------------------------- monotonic timestamps (rule 7)

  @Test
  void monotonic_staleAppend_refusedWithNewestTimestamp() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    List<LoggedOp> ops = appendRange("alice", 5, 6);

    Throwable failure = awaitFailure(store.append(op("alice", ts(3), "late")));

    assertThat(failure).isInstanceOf(StaleTimestampException.class);
    StaleTimestampException stale = (StaleTimestampException) failure;
    assertThat(stale.userId()).isEqualTo("alice");
    assertThat(stale.newest()).isEqualTo(ts(6));
    assertThat(await(store.load("alice")).ops()).containsExactlyElementsOf(ops);
    assertThat(await(store.since("alice", ts(5), 10)).ops()).containsExactly(ops.get(1));
  }

  @Test
  void monotonic_staleAppendWithoutOpId_refused() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    await(store.append(op("alice", ts(5), null)));

    assertThat(awaitFailure(store.append(op("alice", ts(4), null))))
        .isInstanceOf(StaleTimestampException.class);
    assertThat(await(store.load("alice")).ops()).hasSize(1);
  }

  @Test
  void monotonic_otherOpAtStoredTimestamp_refusedAsStale_storedOpKept() {
    // Two nodes can give one user's ops the same HLC: the second is not a replay.
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    LoggedOp first = op("alice", ts(3), null);
    await(store.append(first));
    LoggedOp other =
        new LoggedOp("alice", ts(3), null, null, "{\"user\":\"alice\",\"other\":true}");

    assertThat(awaitFailure(store.append(other))).isInstanceOf(StaleTimestampException.class);
    assertThat(await(store.load("alice")).ops()).containsExactly(first);
  }

  @Test
  void monotonic_replayOfStoredOp_stillSucceeds() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    List<LoggedOp> ops = appendRange("alice", 1, 5);

    await(store.append(ops.get(2)));
    await(store.append(ops.get(4)));

    assertThat(await(store.load("alice")).ops()).containsExactlyElementsOf(ops);
  }

  @Test
  void monotonic_staleAppendBackToBack_failsOnlyThatOp() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    LoggedOp first = op("alice", ts(2), "op-2");
    LoggedOp after = op("alice", ts(3), "op-3");
    List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
    Future<Void> f1 = store.append(first);
    Future<Void> f2 = store.append(op("alice", ts(1), "op-1"));
    Future<Void> f3 = store.append(after);
    f1.onComplete(ar -> completed.add(1));
    f2.onComplete(ar -> completed.add(2));
    f3.onComplete(ar -> completed.add(3));

    await(f1);
    Throwable failure = awaitFailure(f2);
    await(f3);

    assertThat(failure).isInstanceOf(StaleTimestampException.class);
    assertThat(((StaleTimestampException) failure).newest()).isEqualTo(ts(2));
    assertThat(completed).containsExactly(1, 2, 3);
    assertThat(await(store.load("alice")).ops()).containsExactly(first, after);
  }

  @Test
  void monotonic_otherUsersUnaffected() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    appendRange("alice", 10, 10);

    LoggedOp bob = op("bob", ts(1), "b-1");
    await(store.append(bob));
    assertThat(awaitFailure(store.append(op("alice", ts(9), "a-9"))))
        .isInstanceOf(StaleTimestampException.class);
    LoggedOp bob2 = op("bob", ts(2), "b-2");
    await(store.append(bob2));

    assertThat(await(store.load("bob")).ops()).containsExactly(bob, bob2);
  }

  @Test
  void monotonic_survivesCompaction() {
    assumeThat(enforcesMonotonicTimestamps()).as("store enforces monotonic timestamps").isTrue();
    appendRange("alice", 1, 10);
    await(store.compact(snapshot("alice", 10), 0));

    Throwable failure = awaitFailure(store.append(op("alice", ts(7), "again")));

    assertThat(failure).isInstanceOf(StaleTimestampException.class);
    assertThat(((StaleTimestampException) failure).newest()).isEqualTo(ts(10));
    await(store.append(op("alice", ts(11), "op-11")));
  }

  // ---------------------------------------------------------------- since

  @Test
  void since_returnsOpsStrictlyAfterInAscendingOrder() {
    List<LoggedOp> ops = appendRange("alice", 1, 10);

    CatchUp catchUp = await(store.since("alice", ts(4), 100));

    assertThat(catchUp.truncated()).isFalse();
    assertThat(catchUp.ops()).containsExactlyElementsOf(ops.subList(4, 10));
  }

  @Test
  void since_latestTimestamp_returnsEmptyNotTruncated() {
    appendRange("alice", 1, 3);

    CatchUp catchUp = await(store.since("alice", ts(3), 100));

    assertThat(catchUp.truncated()).isFalse();
    assertThat(catchUp.ops()).isEmpty();
  }

  @Test
  void since_exactlyLimitOps_returnsThemAll() {
    List<LoggedOp> ops = appendRange("alice", 1, 5);

    CatchUp catchUp = await(store.since("alice", HybridTimestamp.ZERO, 5));

    assertThat(catchUp.truncated()).isFalse();
    assertThat(catchUp.ops()).containsExactlyElementsOf(ops);
  }

  @Test
  void since_moreThanLimitOps_mustSnapshot() {
    appendRange("alice", 1, 6);

    CatchUp catchUp = await(store.since("alice", HybridTimestamp.ZERO, 5));

    assertThat(catchUp.truncated()).isTrue();
    assertThat(catchUp.ops()).isEmpty();
  }

  @Test
  void since_unknownUser_returnsEmptyNotTruncated() {
    appendRange("alice", 1, 3);

    CatchUp catchUp = await(store.since("nobody", HybridTimestamp.ZERO, 10));

    assertThat(catchUp.truncated()).isFalse();
    assertThat(catchUp.ops()).isEmpty();
  }

  // ---------------------------------------------------------------- compaction

  @Test
  void compact_thenLoad_returnsSnapshotAndOnlyOpsAfterThrough() {
    List<LoggedOp> ops = appendRange("alice", 1, 10);
    StoredSnapshot snapshot = snapshot("alice", 6);

    await(store.compact(snapshot, 2));

    UserLog log = await(store.load("alice"));
    assertThat(log.snapshot()).isEqualTo(snapshot);
    assertThat(log.ops()).containsExactlyElementsOf(ops.subList(6, 10));
  }

  @Test
  void findOp_returnsTheStoredOpOfThatUser_nullForAnUnknownIdOrAnotherUser() {
    LoggedOp first = op("alice", ts(1), "op-1");
    LoggedOp second = op("alice", ts(2), "op-2");
    await(store.append(first));
    await(store.append(second));
    await(store.append(op("bob", ts(3), "op-3")));

    assertThat(await(store.findOp("alice", "op-1"))).isEqualTo(first);
    assertThat(await(store.findOp("alice", "op-2"))).isEqualTo(second);
    assertThat(await(store.findOp("alice", "op-3"))).isNull(); // bob's
    assertThat(await(store.findOp("alice", "nope"))).isNull();
    assertThat(await(store.findOp("carol", "op-1"))).isNull();
  }

  @Test
  void findOp_afterCompaction_findsKeptOpsOnly() {
    List<LoggedOp> ops = appendRange("alice", 1, 10); // op ids op-1 .. op-10

    await(store.compact(snapshot("alice", 6), 2)); // deletes 1..4, keeps 5 and 6

    assertThat(await(store.findOp("alice", "op-4"))).isNull();
    assertThat(await(store.findOp("alice", "op-5"))).isEqualTo(ops.get(4));
    assertThat(await(store.findOp("alice", "op-10"))).isEqualTo(ops.get(9));
  }

  @Test
  void compact_sinceBeforeDeletedOps_truncated() {
    appendRange("alice", 1, 10);

    await(store.compact(snapshot("alice", 6), 2)); // deletes 1..4, keeps 5 and 6

    assertThat(await(store.since("alice", ts(3), 100)).truncated()).isTrue();
    assertThat(await(store.since("alice", HybridTimestamp.ZERO, 100)).truncated()).isTrue();
  }

  @Test
  void compact_sinceAtOrAfterNewestDeletedOp_complete() {
    List<LoggedOp> ops = appendRange("alice", 1, 10);

    await(store.compact(snapshot("alice", 6), 2)); // deletes 1..4, keeps 5 and 6

    CatchUp fromDeleted = await(store.since("alice", ts(4), 100));
    assertThat(fromDeleted.truncated()).isFalse();
    assertThat(fromDeleted.ops()).containsExactlyElementsOf(ops.subList(4, 10));
    CatchUp fromKept = await(store.since("alice", ts(5), 100));
    assertThat(fromKept.truncated()).isFalse();
    assertThat(fromKept.ops()).containsExactlyElementsOf(ops.subList(5, 10));
  }

  @Test
  void compact_keptOps_stillRefuseTheirOpIds() {
    appendRange("alice", 1, 10);
    await(store.compact(snapshot("alice", 6), 2)); // keeps op-5 and op-6

    Throwable failure = awaitFailure(store.append(op("alice", ts(11), "op-5")));

    assertThat(failure).isInstanceOf(DuplicateOpIdException.class);
    assertThat(await(store.since("alice", ts(4), 100)).ops()).hasSize(6);
  }

  @Test
  void compact_keepMoreThanCovered_deletesNothing() {
    List<LoggedOp> ops = appendRange("alice", 1, 5);

    await(store.compact(snapshot("alice", 3), 10));

    CatchUp all = await(store.since("alice", HybridTimestamp.ZERO, 100));
    assertThat(all.truncated()).isFalse();
    assertThat(all.ops()).containsExactlyElementsOf(ops);
    assertThat(await(store.load("alice")).ops()).containsExactlyElementsOf(ops.subList(3, 5));
  }

  @Test
  void compact_olderSnapshotAfterNewer_doesNotRegress() {
    List<LoggedOp> ops = appendRange("alice", 1, 10);
    StoredSnapshot newer = snapshot("alice", 6);
    await(store.compact(newer, 2));

    await(store.compact(snapshot("alice", 3), 0));

    UserLog log = await(store.load("alice"));
    assertThat(log.snapshot()).isEqualTo(newer);
    assertThat(log.ops()).containsExactlyElementsOf(ops.subList(6, 10));
    assertThat(await(store.since("alice", ts(4), 100)).ops())
        .containsExactlyElementsOf(ops.subList(4, 10));
  }

  @Test
  void compact_twice_advancesSnapshotAndTruncation() {
    List<LoggedOp> ops = appendRange("alice", 1, 10);
    await(store.compact(snapshot("alice", 4), 1));
    StoredSnapshot second = snapshot("alice", 8);

    await(store.compact(second, 0));

    UserLog log = await(store.load("alice"));
    assertThat(log.snapshot()).isEqualTo(second);
    assertThat(log.ops()).containsExactlyElementsOf(ops.subList(8, 10));
    assertThat(await(store.since("alice", ts(7), 100)).truncated()).isTrue();
    assertThat(await(store.since("alice", ts(8), 100)).ops())
        .containsExactlyElementsOf(ops.subList(8, 10));
  }

  @Test
  void compact_oneUser_leavesOtherUsersAlone() {
    appendRange("alice", 1, 5);
    List<LoggedOp> bob = appendRange("bob", 1, 5);

    await(store.compact(snapshot("alice", 5), 0));

    UserLog bobLog = await(store.load("bob"));
    assertThat(bobLog.snapshot()).isNull();
    assertThat(bobLog.ops()).containsExactlyElementsOf(bob);
    assertThat(await(store.since("bob", HybridTimestamp.ZERO, 100)).truncated()).isFalse();
  }

  // ---------------------------------------------------------------- durability, lifecycle

  @Test
  void reopen_afterClose_seesOpsSnapshotAndOpIds() {
    assumeThat(survivesReopen()).as("store survives a reopen").isTrue();
    List<LoggedOp> ops = appendRange("alice", 1, 10);
    LoggedOp bobOp = op("bob", ts(1), "b-1");
    await(store.append(bobOp));
    StoredSnapshot snapshot = snapshot("alice", 6);
    await(store.compact(snapshot, 2));
    await(store.close());

    store = reopen();

    UserLog log = await(store.load("alice"));
    assertThat(log.snapshot()).isEqualTo(snapshot);
    assertThat(log.ops()).containsExactlyElementsOf(ops.subList(6, 10));
    assertThat(await(store.load("bob")).ops()).containsExactly(bobOp);
    assertThat(await(store.since("alice", ts(3), 100)).truncated()).isTrue();
    assertThat(awaitFailure(store.append(op("alice", ts(11), "op-9"))))
        .isInstanceOf(DuplicateOpIdException.class);
    await(store.append(ops.get(9))); // replay still idempotent
    assertThat(await(store.load("alice")).ops()).hasSize(4);
  }

  @Test
  void reopen_afterCloseWithAppendsInFlight_seesAllOfThem() {
    assumeThat(survivesReopen()).as("store survives a reopen").isTrue();
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(store.append(op("alice", ts(i), "op-" + i)));
    }
    await(store.close());
    futures.forEach(OpStoreContract::await);

    store = reopen();

    assertThat(await(store.load("alice")).ops()).hasSize(300);
  }

  @Test
  void close_withAppendsInFlight_completesAfterAllOfThemSucceed() {
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      futures.add(store.append(op("alice", ts(i), "op-" + i)));
    }

    await(store.close());

    assertThat(futures).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
  }

  @Test
  void append_afterClose_failsWithStoreUnavailable() {
    await(store.close());

    Throwable failure = awaitFailure(store.append(op("alice", ts(1), "op-1")));

    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void ping_openStore_succeeds() {
    await(store.ping());
  }

  // ---------------------------------------------------------------- concurrency, payloads

  @Test
  void append_concurrentThreadsForDifferentUsers_allLandInOrder() throws InterruptedException {
    int threads = 4;
    int perThread = 250;
    CountDownLatch start = new CountDownLatch(1);
    List<List<Future<Void>>> futuresByThread = Collections.synchronizedList(new ArrayList<>());
    List<List<Integer>> completedByThread = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String user = "user-" + t;
      List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
      completedByThread.add(completed);
      Thread worker =
          new Thread(
              () -> {
                awaitLatch(start);
                List<Future<Void>> futures = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                  int index = i;
                  Future<Void> f = store.append(op(user, ts(i), "op-" + i));
                  f.onComplete(ar -> completed.add(index));
                  futures.add(f);
                }
                futuresByThread.add(futures);
              });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    }

    assertThat(futuresByThread).hasSize(threads);
    futuresByThread.forEach(list -> list.forEach(OpStoreContract::await));
    List<Integer> expectedOrder = IntStream.range(0, perThread).boxed().toList();
    for (int t = 0; t < threads; t++) {
      assertThat(completedByThread.get(t)).containsExactlyElementsOf(expectedOrder);
      List<LoggedOp> loaded = await(store.load("user-" + t)).ops();
      assertThat(loaded).hasSize(perThread);
      String user = "user-" + t;
      assertThat(loaded).allSatisfy(o -> assertThat(o.userId()).isEqualTo(user));
      assertThat(loaded.get(perThread - 1).timestamp()).isEqualTo(ts(perThread - 1));
    }
  }

  @Test
  void append_unicodeAndQuotes_roundTripExactly() {
    String payload =
        "{\"title\":\"Am\u00e9lie \u2014 \u5343\u3068\u5343\u5c0b \\\"quoted\\\" 'single'"
            + " back\\\\slash \ud83c\udfac\",\"nul\":\"\\u0000\",\"tab\":\"\t\",\"nl\":\"\n\"}";
    LoggedOp op = new LoggedOp("\u00fcser-\u4e00", ts(1), "op-\"\u00e9\"", "fp-'\u2603'", payload);
    StoredSnapshot snapshot = new StoredSnapshot("\u00fcser-\u4e00", ts(1), payload + "\u00ff");
    await(store.append(op));

    assertThat(await(store.load(op.userId())).ops()).containsExactly(op);
    await(store.compact(snapshot, 1));
    UserLog log = await(store.load(op.userId()));
    assertThat(log.snapshot()).isEqualTo(snapshot);
    assertThat(await(store.since(op.userId(), HybridTimestamp.ZERO, 10)).ops()).containsExactly(op);
  }

  // ---------------------------------------------------------------- helpers

  /** The n-th test timestamp: ascending with n. */
  protected static HybridTimestamp ts(long n) {
    return HybridTimestamp.of(BASE_MILLIS + n, (int) (n % 7));
  }

  /** An op with a payload naming it; fingerprint derived from the op id. */
  protected static LoggedOp op(String userId, HybridTimestamp ts, String opId) {
    return new LoggedOp(
        userId,
        ts,
        opId,
        opId == null ? null : "fp-" + opId,
        "{\"user\":\"" + userId + "\",\"ts\":\"" + ts + "\"}");
  }

  /** A snapshot of {@code userId} through {@code ts(n)}. */
  protected static StoredSnapshot snapshot(String userId, long n) {
    return new StoredSnapshot(userId, ts(n), "{\"through\":" + n + "}");
  }

  /** Appends ops ts(from)..ts(to) inclusive with op ids "op-i", awaiting each; returns them. */
  protected final List<LoggedOp> appendRange(String userId, int from, int to) {
    List<LoggedOp> ops = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      LoggedOp o = op(userId, ts(i), "op-" + i);
      await(store.append(o));
      ops.add(o);
    }
    return ops;
  }

  /** The future's result, or the test fails after {@link #TIMEOUT_SECONDS}. */
  protected static <T> T await(Future<T> future) {
    return Await.result(future, TIMEOUT_SECONDS);
  }

  /** The future's failure; the test fails if it succeeds or does not complete in time. */
  protected static Throwable awaitFailure(Future<?> future) {
    return Await.failure(future, TIMEOUT_SECONDS);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
