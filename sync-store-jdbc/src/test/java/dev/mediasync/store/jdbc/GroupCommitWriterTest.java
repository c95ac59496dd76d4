package dev.mediasync.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The writer thread against a scripted {@link BatchWriter}: batching, order, retry, stop. */
class GroupCommitWriterTest {

  /** Records what it is asked; fails the appends of the first {@code failures} batches. */
  private static final class FakeWriter implements BatchWriter {
    final List<List<LoggedOp>> batches = new CopyOnWriteArrayList<>();
    final List<String> events;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate;

    /** Batches written before each idle() call. */
    final List<Integer> idleAfter = new CopyOnWriteArrayList<>();

    int failures;

    FakeWriter(List<String> events, CountDownLatch gate, int failures) {
      this.events = events;
      this.gate = gate;
      this.failures = failures;
    }

    @Override
    public List<RuntimeException> appendAll(List<LoggedOp> ops) throws SQLException {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (failures-- > 0) {
        throw new SQLTransientConnectionException("broken");
      }
      batches.add(List.copyOf(ops));
      List<RuntimeException> outcomes = new ArrayList<>();
      ops.forEach(op -> outcomes.add(null));
      return outcomes;
    }

    @Override
    public void compact(StoredSnapshot snapshot, int keepOps) {}

    @Override
    public void idle() {
      idleAfter.add(batches.size());
    }

    @Override
    public void finish() {
      events.add("finish");
    }

    @Override
    public void close() {
      events.add("close");
    }
  }

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void appendsQueuedWhileABatchIsInFlight_goIntoTheNextOneInOrder() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeWriter fake = new FakeWriter(events, gate, 0);
    GroupCommitWriter<FakeWriter> writer = writer(() -> fake, RetryPolicy.NEVER);
    List<Future<Void>> futures = new ArrayList<>();
    futures.add(append(writer, 0));
    assertThat(fake.entered.await(10, TimeUnit.SECONDS)).isTrue(); // first batch in flight
    for (int i = 1; i < 50; i++) {
      futures.add(append(writer, i));
    }
    gate.countDown();
    for (Future<Void> f : futures) {
      await(f);
    }

    assertThat(writer.stats()).isEqualTo(new WriterStats(2, 50, 0));
    assertThat(fake.batches).extracting(List::size).containsExactly(1, 49);
    List<LoggedOp> all = new ArrayList<>();
    fake.batches.forEach(all::addAll);
    assertThat(all).extracting(LoggedOp::opId).isSortedAccordingTo(this::byNumber);
  }

  @Test
  void idle_runsWhenTheQueueIsEmpty_notBetweenBatchesThatFollowEachOther() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeWriter fake = new FakeWriter(events, gate, 0);
    GroupCommitWriter<FakeWriter> writer = writer(() -> fake, RetryPolicy.NEVER);
    Future<Void> first = append(writer, 0);
    assertThat(fake.entered.await(10, TimeUnit.SECONDS)).isTrue();
    Future<Void> second = append(writer, 1); // queued while the first batch is in flight
    gate.countDown();
    await(first);
    await(second);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.idleAfter.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(fake.idleAfter).containsExactly(2);
  }

  @Test
  void failedBatch_retriedOnANewConnectionWhenThePolicySays() throws Exception {
    List<FakeWriter> opened = new ArrayList<>();
    GroupCommitWriter<FakeWriter> writer = writer(firstOneBroken(opened), (e, wasOpen) -> true);

    await(append(writer, 1));

    assertThat(opened).hasSize(2);
    assertThat(opened.get(1).batches).hasSize(1);
    assertThat(events).containsExactly("close"); // the broken one
    assertThat(writer.stats()).isEqualTo(new WriterStats(1, 1, 0));
  }

  @Test
  void failedBatch_withoutRetry_failsItsFuturesAndTheNextBatchReopens() throws Exception {
    List<FakeWriter> opened = new ArrayList<>();
    GroupCommitWriter<FakeWriter> writer = writer(firstOneBroken(opened), RetryPolicy.NEVER);

    Throwable failure = failureOf(append(writer, 1));
    await(append(writer, 2));

    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    assertThat(opened).hasSize(2);
    assertThat(writer.stats()).isEqualTo(new WriterStats(1, 1, 1));
  }

  @Test
  void stop_writesWhatCameBefore_failsWhatCameAfter_finishesThenCloses() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeWriter fake = new FakeWriter(events, gate, 0);
    GroupCommitWriter<FakeWriter> writer = writer(() -> fake, RetryPolicy.NEVER);
    Future<Void> before = append(writer, 1);
    Promise<Void> stopped = Promise.promise();
    writer.stop(() -> events.add("afterStop"), stopped);
    Future<Void> after = append(writer, 2);
    gate.countDown();

    await(before);
    await(stopped.future());
    assertThat(failureOf(after)).isInstanceOf(StoreUnavailableException.class);
    assertThat(events).containsExactly("finish", "close", "afterStop");
  }

  /** Opens writers into {@code opened}; the first one fails its first batch. */
  private GroupCommitWriter.Opener<FakeWriter> firstOneBroken(List<FakeWriter> opened) {
    CountDownLatch open = new CountDownLatch(0);
    return () -> {
      FakeWriter w = new FakeWriter(events, open, opened.isEmpty() ? 1 : 0);
      opened.add(w);
      return w;
    };
  }

  private GroupCommitWriter<FakeWriter> writer(
      GroupCommitWriter.Opener<FakeWriter> opener, RetryPolicy retry) {
    GroupCommitWriter<FakeWriter> writer =
        new GroupCommitWriter<>("test-writer", null, opener, retry, 1_000, 10_000);
    writer.start();
    return writer;
  }

  private static Future<Void> append(GroupCommitWriter<?> writer, int i) {
    Promise<Void> promise = Promise.promise();
    LoggedOp op =
        new LoggedOp("alice", HybridTimestamp.of(1_700_000_000_000L + i, 0), "op-" + i, null, "{}");
    assertThat(writer.append(op, promise)).isTrue();
    return promise.future();
  }

  private int byNumber(String a, String b) {
    return Integer.compare(Integer.parseInt(a.substring(3)), Integer.parseInt(b.substring(3)));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      await(f);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
