package dev.mediasync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StaleTimestampException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two stores ("nodes") on one schema: rule 7 holds across them. */
class SharedStoreTest {

  private static final long BASE = 1_700_000_000_000L;
  private static PostgresOptions options;

  @BeforeAll
  static void schema() {
    options = PgTestDatabase.freshOptions();
  }

  @AfterAll
  static void drop() {
    PgTestDatabase.dropSchema(options);
  }

  @Test
  void secondNode_lowerTimestampAfterCommit_refusedAsStale() throws Exception {
    PostgresOpStore a = PostgresOpStore.open(options);
    PostgresOpStore b = PostgresOpStore.open(options);
    try {
      await(a.append(op("u1", 10)));

      Throwable failure = failureOf(b.append(op("u1", 7)));

      assertThat(failure).isInstanceOf(StaleTimestampException.class);
      assertThat(((StaleTimestampException) failure).newest()).isEqualTo(ts(10));
      await(b.append(op("u1", 10))); // replay through the other node
      await(b.append(op("u1", 11)));
      assertThat(await(a.load("u1")).ops())
          .extracting(LoggedOp::timestamp)
          .containsExactly(ts(10), ts(11));
    } finally {
      await(a.close());
      await(b.close());
    }
  }

  @Test
  void twoNodesRacing_everyStoredOpIsAfterEveryEarlierCommit() throws Exception {
    PostgresOpStore a = PostgresOpStore.open(options);
    PostgresOpStore b = PostgresOpStore.open(options);
    try {
      List<Future<Void>> fa = new ArrayList<>();
      List<Future<Void>> fb = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        fa.add(a.append(op("race", 2 * i)));
        fb.add(b.append(op("race", 2 * i + 1)));
      }
      int stored = 0;
      int stale = 0;
      for (Future<Void> f : concat(fa, fb)) {
        try {
          f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          stored++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(StaleTimestampException.class);
          stale++;
        }
      }
      List<LoggedOp> log = await(a.load("race")).ops();
      assertThat(log).hasSize(stored);
      assertThat(stored + stale).isEqualTo(600);
      assertThat(log).isSortedAccordingTo((x, y) -> x.timestamp().compareTo(y.timestamp()));
    } finally {
      await(a.close());
      await(b.close());
    }
  }

  private static List<Future<Void>> concat(List<Future<Void>> x, List<Future<Void>> y) {
    List<Future<Void>> all = new ArrayList<>(x);
    all.addAll(y);
    return all;
  }

  private static HybridTimestamp ts(int n) {
    return HybridTimestamp.of(BASE + n, 0);
  }

  private static LoggedOp op(String user, int n) {
    return new LoggedOp(user, ts(n), null, null, "{\"n\":" + n + "}");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
