package dev.mediasync.store.jdbc;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Rough numbers for one open {@link JdbcOpStore}, printed, never asserted (not a test: surefire
 * does not pick it up). Each store's {@code *OpStoreMeasure} main opens its store and picks the
 * steps; this class runs them on the calling thread (plus {@code threads} load threads for the
 * loops) and prints one line per step, prefixed by {@code label}.
 */
public final class OpStoreMeasure {

  private static final long BASE_MILLIS = 1_700_000_000_000L;
  private static final long WAIT_SECONDS = 60;

  private final JdbcOpStore<?> store;
  private final String label;

  public OpStoreMeasure(JdbcOpStore<?> store, String label) {
    this.store = store;
    this.label = label;
  }

  /** Each thread issues all its appends back-to-back, then everything is awaited. */
  public void openLoop(int threads, int perThread) throws Exception {
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
        await(f);
      }
    }
    report("open loop " + threads + "x" + perThread, threads * perThread, start, before);
  }

  /** Each thread waits for its append before the next: at most {@code threads} in flight. */
  public void closedLoop(int threads, int perThread) throws Exception {
    WriterStats before = store.stats();
    long start = System.nanoTime();
    runThreads(
        threads,
        t -> {
          for (int i = 0; i < perThread; i++) {
            await(store.append(op("closed-" + t, i)));
          }
        });
    report("closed loop " + threads + "x" + perThread, threads * perThread, start, before);
  }

  /** One append at a time, each awaited. */
  public void latency(int n) throws Exception {
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      await(store.append(op("single", i)));
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    printPercentiles("single append latency", micros);
  }

  /** Round trip without a commit to disk: SELECT 1 on a reader connection. */
  public void pingLatency(int n) throws Exception {
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      await(store.ping());
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    printPercentiles("ping (SELECT 1) latency", micros);
  }

  /** Closes the store, waiting up to a minute. */
  public static void close(JdbcOpStore<?> store) throws Exception {
    await(store.close());
  }

  private void printPercentiles(String name, long[] micros) {
    int n = micros.length;
    Arrays.sort(micros);
    System.out.printf(
        "%-6s %s (n=%d): p50 %d us, p90 %d us, p99 %d us%n",
        label, name, n, micros[n / 2], micros[n * 9 / 10], micros[n * 99 / 100]);
  }

  private void report(String name, int ops, long startNanos, WriterStats before) {
    long nanos = System.nanoTime() - startNanos;
    WriterStats after = store.stats();
    long commits = after.commits() - before.commits();
    System.out.printf(
        "%-6s %-22s %6d ops in %6d ms = %8.0f ops/s, %5d commits, avg batch %.1f%n",
        label,
        name,
        ops,
        nanos / 1_000_000,
        ops / (nanos / 1e9),
        commits,
        (after.appends() - before.appends()) / (double) Math.max(commits, 1));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
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
