package dev.mediasync.store.jdbc;

import dev.mediasync.engine.port.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads ({@code <prefix>-1}, {@code <prefix>-2}, ...) that each own one reading connection,
 * opened on first use and replaced after an error. Reads never queue behind the writer's commits
 * (SQLite WAL readers and PostgreSQL readers do not block on the writer). A read that fails with an
 * SQL error drops its connection; the {@link RetryPolicy} says whether it runs once more on a new
 * one (PostgreSQL: when the connection was found broken, so the first read after an outage does not
 * fail needlessly).
 */
public final class ReadPool {

  /** Work on a reader that may fail with an SQL error. */
  @FunctionalInterface
  interface ReadWork<T> {
    T apply(OpsReader reader) throws SQLException;
  }

  private final ConnectionFactory connections;
  private final Transaction.Opener transactions;
  private final RetryPolicy retry;
  private final ExecutorService executor;
  private final ThreadLocal<OpsReader> readerOfThread = new ThreadLocal<>();
  private final Set<OpsReader> open = ConcurrentHashMap.newKeySet();

  /**
   * @param threadPrefix names the threads, e.g. {@code sqlite-reader}
   * @param threads how many reader threads, so at most that many connections
   * @param connections opens a reading connection
   * @param transactions brackets each answer in one read transaction on such a connection
   * @param retry whether a read that failed with an SQL error runs once more
   */
  public ReadPool(
      String threadPrefix,
      int threads,
      ConnectionFactory connections,
      Transaction.Opener transactions,
      RetryPolicy retry) {
    this.connections = connections;
    this.transactions = transactions;
    this.retry = retry;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code work} on a reader thread; SQL errors fail the future as store-unavailable. */
  <T> Future<T> submit(ReadWork<T> work) {
    Promise<T> promise = Promise.promise();
    try {
      executor.execute(() -> run(work, promise));
    } catch (RejectedExecutionException e) {
      promise.fail(new StoreUnavailableException("op store closed", e));
    }
    return promise.future();
  }

  private <T> void run(ReadWork<T> work, Promise<T> promise) {
    T result;
    try {
      result = attempt(work);
    } catch (SQLException e) {
      Completions.fail(
          promise, new StoreUnavailableException("op store read failed: " + e.getMessage(), e));
      return;
    } catch (RuntimeException e) {
      Completions.fail(promise, e);
      return;
    }
    Completions.succeed(promise, result);
  }

  private <T> T attempt(ReadWork<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      OpsReader reader = readerOfThread.get();
      boolean wasOpen = reader != null;
      try {
        if (reader == null) {
          reader = OpsReader.open(connections, transactions);
          readerOfThread.set(reader);
          open.add(reader);
        }
        return work.apply(reader);
      } catch (SQLException e) {
        discard(reader);
        if (attempt > 1 || !retry.retry(e, wasOpen)) {
          throw e;
        }
      }
    }
  }

  private void discard(OpsReader reader) {
    if (reader != null) {
      readerOfThread.remove();
      open.remove(reader);
      reader.close();
    }
  }

  /** Lets submitted reads finish (up to {@code timeout}), then closes every connection. */
  public void close(long timeout, TimeUnit unit) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout, unit)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    open.forEach(OpsReader::close);
    open.clear();
  }
}
