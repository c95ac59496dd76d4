package dev.mediasync.store.postgres;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Rough numbers, printed, never asserted (not a test: surefire does not pick it up). Run with the
 * test classpath: {@code java -cp ... dev.mediasync.store.postgres.PostgresOpStoreMeasure [url]};
 * the default url is the local test database, in a throwaway schema dropped afterwards.
 */
public final class PostgresOpStoreMeasure {

  private static final long BASE_MILLIS = 1_700_000_000_000L;

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : PgTestDatabase.URL;
    PostgresOptions options =
        PostgresOptions.fromUrl(url).withSchema("sync_measure_" + System.nanoTime() % 1_000_000);
    PostgresOpStore store = PostgresOpStore.open(options);
    String mode = "pg";
    try {
      pingLatency(store, 1_000);
      latency(store, mode, 1_000);
      openLoop(store, mode, 4, 5_000);
      closedLoop(store, mode, 4, 500);
    } finally {
      store.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      PgTestDatabase.dropSchema(options);
    }
  }

  /** Each thread issues all its appends back-to-back, then everything is awaited. */
  private static void openLoop(PostgresOpStore store, String mode, int threads, int perThread)
      throws Exception {
    WriterStats before = store.stats();
    List<List<Future<Void>>> all = new ArrayList<>();
    long start = System.nanoTime();
    runThreads(
        threads,
        t -> {
          List<Future<Void>> futures = new ArrayList<>(perThread);
          for (int i = 0; i < perThread; i++) {
            futures.add(store.append(op("open-" + t, i)));
          }
          synchronized (all) {
            all.add(futures);
          }
        });
    for (List<Future<Void>> list : all) {
      for (Future<Void> f : list) {
        f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
    long nanos = System.nanoTime() - start;
    report(
        mode,
        "open loop " + threads + "x" + perThread,
        threads * perThread,
        nanos,
        before,
        store.stats());
  }

  /** Each thread waits for its append before the next: at most {@code threads} in flight. */
  private static void closedLoop(PostgresOpStore store, String mode, int threads, int perThread)
      throws Exception {
    WriterStats before = store.stats();
    long start = System.nanoTime();
    runThreads(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            try {
              store
                  .append(op("closed-" + t, i))
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        });
    long nanos = System.nanoTime() - start;
    report(
        mode,
        "closed loop " + threads + "x" + perThread,
        threads * perThread,
        nanos,
        before,
        store.stats());
  }

  /** Round trip without a commit to disk: SELECT 1 on a reader connection. */
  private static void pingLatency(PostgresOpStore store, int n) throws Exception {
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      store.ping().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    Arrays.sort(micros);
    System.out.printf(
        "pg     ping (SELECT 1) latency (n=%d): p50 %d us, p90 %d us, p99 %d us%n",
        n, micros[n / 2], micros[n * 9 / 10], micros[n * 99 / 100]);
  }

  private static void latency(PostgresOpStore store, String mode, int n) throws Exception {
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      store
          .append(op("single", i))
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    Arrays.sort(micros);
    System.out.printf(
        "%-6s single append latency (n=%d): p50 %d us, p90 %d us, p99 %d us%n",
        mode, n, micros[n / 2], micros[n * 9 / 10], micros[n * 99 / 100]);
  }

  private static void report(
      String mode, String name, int ops, long nanos, WriterStats before, WriterStats after) {
    long commits = after.commits() - before.commits();
    System.out.printf(
        "%-6s %-22s %6d ops in %6d ms = %8.0f ops/s, %5d commits, avg batch %.1f%n",
        mode,
        name,
        ops,
        nanos / 1_000_000,
        ops / (nanos / 1e9),
        commits,
        (after.appends() - before.appends()) / (double) Math.max(commits, 1));
  }

  private interface PerThread {
    void run(int thread) throws Exception;
  }

  private static void runThreads(int threads, PerThread body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  body.run(index);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      list.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : list) {
      thread.join();
    }
  }

  private static LoggedOp op(String user, int i) {
    return new LoggedOp(
        user,
        HybridTimestamp.of(BASE_MILLIS + i, 0),
        user + "-" + i,
        "fp-" + i,
        "{\"type\":\"progress\",\"item\":\"movie-" + i + "\",\"position\":" + (i * 7) + "}");
  }
}
