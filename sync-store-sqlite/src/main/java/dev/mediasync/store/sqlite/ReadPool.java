package dev.mediasync.store.sqlite;

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
 * Threads that each own one reading connection, opened on first use and replaced after an error.
 * Reads never queue behind the writer's commits (WAL readers do not block on the writer).
 */
final class ReadPool {

  /** Work on a reader that may fail with an SQL error. */
  @FunctionalInterface
  interface ReadWork<T> {
    T apply(OpsReader reader) throws SQLException;
  }

  private final SqliteOptions options;
  private final ExecutorService executor;
  private final ThreadLocal<OpsReader> readerOfThread = new ThreadLocal<>();
  private final Set<OpsReader> open = ConcurrentHashMap.newKeySet();

  ReadPool(SqliteOptions options) {
    this.options = options;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            options.readConnections(),
            r -> {
              Thread t = new Thread(r, "sqlite-reader-" + n.incrementAndGet());
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
    OpsReader reader = readerOfThread.get();
    T result;
    try {
      if (reader == null) {
        reader = OpsReader.open(options);
        readerOfThread.set(reader);
        open.add(reader);
      }
      result = work.apply(reader);
    } catch (SQLException e) {
      discard(reader);
      Completions.fail(
          promise, new StoreUnavailableException("op store read failed: " + e.getMessage(), e));
      return;
    } catch (RuntimeException e) {
      Completions.fail(promise, e);
      return;
    }
    Completions.succeed(promise, result);
  }

  private void discard(OpsReader reader) {
    if (reader != null) {
      readerOfThread.remove();
      open.remove(reader);
      reader.close();
    }
  }

  /** Lets submitted reads finish (up to {@code timeout}), then closes every connection. */
  void close(long timeout, TimeUnit unit) {
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
