package dev.mediasync.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.testkit.TcpProxy;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database going away and coming back, through a {@link TcpProxy} in front of the real server
 * (the server itself is never stopped).
 */
class PostgresDownTest {

  private static final long BASE = 1_700_000_000_000L;

  private PostgresOptions direct;
  private TcpProxy proxy;
  private PostgresOpStore store;

  @BeforeEach
  void open() {
    direct = PgTestDatabase.freshOptions();
    proxy = TcpProxy.start(direct.host(), direct.port());
    store =
        PostgresOpStore.open(
            direct
                .withHostAndPort("127.0.0.1", proxy.port())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)));
  }

  @AfterEach
  void close() throws Exception {
    proxy.resume();
    if (store != null) {
      store.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
    proxy.close();
    PgTestDatabase.dropSchema(direct);
  }

  @Test
  void databaseDown_appendsAndPingFailPromptly_thenRecoverWithoutReopening() throws Exception {
    await(store.append(op(1)));
    await(store.ping());

    proxy.cut();

    long start = System.nanoTime();
    Throwable failure = failureOf(store.append(op(2)));
    long appendMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    assertThat(appendMillis).isLessThan(10_000);

    start = System.nanoTime();
    assertThat(failureOf(store.ping())).isInstanceOf(StoreUnavailableException.class);
    assertThat(failureOf(store.load("alice"))).isInstanceOf(StoreUnavailableException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
    // Still down: a second write fails as promptly (the writer does not hang on a dead socket).
    assertThat(failureOf(store.append(op(3)))).isInstanceOf(StoreUnavailableException.class);

    proxy.resume();

    await(store.ping());
    await(store.append(op(4)));
    await(store.append(op(5)));
    assertThat(await(store.load("alice")).ops())
        .extracting(LoggedOp::timestamp)
        .containsExactly(ts(1), ts(4), ts(5));
  }

  @Test
  void nothingListening_openFailsWithStoreUnavailable() {
    proxy.cut();
    long start = System.nanoTime();
    Throwable failure = null;
    try {
      PostgresOpStore.open(
          direct
              .withSchema(direct.schema() + "_x")
              .withHostAndPort("127.0.0.1", proxy.port())
              .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3)));
    } catch (RuntimeException e) {
      failure = e;
    }
    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
  }

  private static HybridTimestamp ts(int n) {
    return HybridTimestamp.of(BASE + n, 0);
  }

  private static LoggedOp op(int n) {
    return new LoggedOp("alice", ts(n), "op-" + n, "fp-" + n, "{\"n\":" + n + "}");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> f) throws InterruptedException, TimeoutException {
    try {
      f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure, but the future succeeded");
  }
}
