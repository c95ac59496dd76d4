package dev.mediasync.store.jdbc;

import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoreUnavailableException;
import io.vertx.core.Promise;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The writer thread (one per store, named by the store, e.g. {@code sqlite-writer}): takes
 * everything queued (up to {@code maxBatch}), writes each run of appends in one transaction of the
 * {@link BatchWriter} (SQLite: one commit, one fsync; PostgreSQL: a fixed number of round trips
 * however many ops), then completes their futures in queue order. Appends queued while a
 * transaction is in flight go into the next one. Other writes (compaction, diagnostics) run between
 * runs, in queue order, in their own transactions. When the queue is empty the writer gets {@link
 * BatchWriter#idle()} for its housekeeping.
 *
 * <p><b>Failures.</b> An SQL error drops the connection. The {@link RetryPolicy} says whether the
 * same batch runs once more on a new connection (PostgreSQL: the connection was found broken, or a
 * deadlock; that is safe because a replayed (user, ts) succeeds without writing, so a batch whose
 * commit did land is acknowledged, not written twice). Otherwise, or after a second failure, every
 * future of the batch fails with {@link StoreUnavailableException}; the next batch opens a new
 * connection, so the store recovers by itself.
 *
 * @param <W> the engine's writer, owned by this thread
 */
public final class GroupCommitWriter<W extends BatchWriter> {

  /** Work that needs the writing connection. */
  @FunctionalInterface
  public interface WriteWork<W, T> {
    T apply(W writer) throws SQLException;
  }

  /** Opens a writing connection (the first one, or a replacement after an error). */
  @FunctionalInterface
  public interface Opener<W> {
    W open() throws SQLException;
  }

  private sealed interface Task permits Append, Job, Stop {}

  private record Append(LoggedOp op, Promise<Void> promise) implements Task {}

  private record Job<W, T>(WriteWork<W, T> work, Promise<T> promise) implements Task {
    void run(W writer) throws SQLException {
      T result = work.apply(writer);
      Completions.succeed(promise, result);
    }
  }

  private record Stop(Runnable afterStop, Promise<Void> promise) implements Task {}

  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final int maxBatch;
  private final int maxQueued;
  private final Opener<W> opener;
  private final RetryPolicy retry;
  private final Thread thread;

  // Written by the writer thread only; read by stats().
  private volatile long commits;
  private volatile long appends;
  private volatile long failedBatches;

  // Writer thread only. Null until first use (unless given) and after an error until the next
  // batch reopens it.
  private W writer;

  /**
   * @param threadName the writer thread's name
   * @param first an open writer to start with, or null to open one on first use
   * @param opener opens a writer when there is none
   * @param retry whether work that failed with an SQL error runs once more on a new connection
   * @param maxBatch most queued tasks taken per wake-up
   * @param maxQueued most tasks waiting; {@link #append} refuses beyond that
   */
  public GroupCommitWriter(
      String threadName,
      W first,
      Opener<W> opener,
      RetryPolicy retry,
      int maxBatch,
      int maxQueued) {
    this.writer = first;
    this.opener = opener;
    this.retry = retry;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  int maxQueued() {
    return maxQueued;
  }

  /** Queues an append; false if the queue is full. */
  boolean append(LoggedOp op, Promise<Void> promise) {
    if (queue.size() >= maxQueued) {
      return false;
    }
    return queue.offer(new Append(op, promise));
  }

  /** Queues other work for the writing connection, run in its own turn. */
  <T> void submit(WriteWork<W, T> work, Promise<T> promise) {
    queue.add(new Job<>(work, promise));
  }

  /**
   * Queues the stop: everything queued before it is written; anything queued after it fails; then
   * the writer finishes ({@link BatchWriter#finish()}) and is closed, {@code afterStop} runs on the
   * writer thread and {@code promise} completes.
   */
  void stop(Runnable afterStop, Promise<Void> promise) {
    queue.add(new Stop(afterStop, promise));
  }

  WriterStats stats() {
    return new WriterStats(commits, appends, failedBatches);
  }

  private void loop() {
    List<Task> drained = new ArrayList<>(maxBatch);
    List<Append> run = new ArrayList<>(maxBatch);
    while (true) {
      try {
        drained.add(queue.take());
      } catch (InterruptedException e) {
        continue; // Only stop() ends the writer; nobody else owns this thread.
      }
      queue.drainTo(drained, maxBatch - 1);
      for (int i = 0; i < drained.size(); i++) {
        Task task = drained.get(i);
        if (task instanceof Append append) {
          run.add(append);
          boolean runEnds = i + 1 == drained.size() || !(drained.get(i + 1) instanceof Append);
          if (runEnds) {
            commitAppends(run);
            run.clear();
          }
        } else if (task instanceof Job<?, ?> job) {
          runJob(job);
        } else if (task instanceof Stop stop) {
          failAfterStop(drained.subList(i + 1, drained.size()));
          shutdown(stop);
          return;
        }
      }
      drained.clear();
      if (queue.isEmpty()) {
        runIdle();
      }
    }
  }

  private void runIdle() {
    if (writer == null) {
      return;
    }
    try {
      writer.idle();
    } catch (SQLException | RuntimeException e) {
      // Nothing waits on it; the next batch opens a new connection.
      dropWriter();
    }
  }

  private void commitAppends(List<Append> run) {
    List<LoggedOp> ops = new ArrayList<>(run.size());
    run.forEach(a -> ops.add(a.op()));
    List<RuntimeException> outcomes;
    try {
      outcomes = withRetry(w -> w.appendAll(ops));
    } catch (SQLException | RuntimeException e) {
      dropWriter();
      failedBatches++;
      StoreUnavailableException failure =
          new StoreUnavailableException("op store write failed: " + e.getMessage(), e);
      run.forEach(a -> Completions.fail(a.promise(), failure));
      return;
    }
    commits++;
    appends += run.size();
    for (int i = 0; i < run.size(); i++) {
      RuntimeException refused = outcomes.get(i);
      if (refused == null) {
        Completions.succeed(run.get(i).promise(), null);
      } else {
        Completions.fail(run.get(i).promise(), refused);
      }
    }
  }

  @SuppressWarnings("unchecked") // every Job in this queue was made by submit() with this W
  private void runJob(Job<?, ?> job) {
    Job<W, ?> mine = (Job<W, ?>) job;
    try {
      withRetry(
          w -> {
            mine.run(w);
            return null;
          });
    } catch (SQLException e) {
      Completions.fail(
          job.promise(),
          new StoreUnavailableException("op store write failed: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      Completions.fail(job.promise(), e);
    }
  }

  /**
   * Runs {@code work} on the writer (opening one if needed); drops the connection after any SQL
   * error, and runs the work once more on a new one if the retry policy says so.
   */
  private <T> T withRetry(WriteWork<W, T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      boolean wasOpen = writer != null;
      try {
        return work.apply(writer());
      } catch (SQLException e) {
        dropWriter();
        if (attempt > 1 || !retry.retry(e, wasOpen)) {
          throw e;
        }
      }
    }
  }

  private W writer() throws SQLException {
    if (writer == null) {
      writer = opener.open();
    }
    return writer;
  }

  private void dropWriter() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  private void failAfterStop(List<Task> late) {
    List<Task> all = new ArrayList<>(late);
    queue.drainTo(all);
    StoreUnavailableException closed = new StoreUnavailableException("op store closed", null);
    for (Task task : all) {
      if (task instanceof Append a) {
        Completions.fail(a.promise(), closed);
      } else if (task instanceof Job<?, ?> j) {
        Completions.fail(j.promise(), closed);
      } else if (task instanceof Stop s) {
        Completions.succeed(s.promise(), null);
      }
    }
  }

  private void shutdown(Stop stop) {
    try {
      if (writer != null) {
        writer.finish();
      }
      dropWriter();
      stop.afterStop().run();
    } catch (RuntimeException e) {
      Completions.fail(stop.promise(), e);
      return;
    }
    Completions.succeed(stop.promise(), null);
  }
}
