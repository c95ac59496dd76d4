package dev.mediasync.store.postgres;

import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoreUnavailableException;
import io.vertx.core.Promise;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The writer thread: takes everything queued (up to {@code maxBatch}), writes each run of appends
 * in one transaction (a fixed number of round trips however many ops), then completes their futures
 * in queue order. Appends queued while a transaction is in flight go into the next one. Other
 * writes (compaction) run between runs, in queue order, in their own transactions.
 *
 * <p><b>Failures.</b> If the connection breaks during a transaction, the writer opens a new one and
 * runs the same batch once more: that is safe because a replayed (user, ts) succeeds without
 * writing, so a batch whose commit did land is acknowledged, not written twice. Any other SQL
 * error, or a second failure, fails every future of the batch with {@link
 * StoreUnavailableException} and drops the connection; the next batch opens a new one, so the store
 * recovers by itself when the server is back. Every step is bounded by the connect and socket
 * timeouts.
 */
final class GroupCommitWriter {

  /** Work that needs the writing connection. */
  @FunctionalInterface
  interface WriteWork<T> {
    T apply(OpsWriter writer) throws SQLException;
  }

  /** Opens a writing connection (the first one, or a replacement after an error). */
  @FunctionalInterface
  interface WriterOpener {
    OpsWriter open() throws SQLException;
  }

  private sealed interface Task permits Append, Job, Stop {}

  private record Append(LoggedOp op, Promise<Void> promise) implements Task {}

  private record Job<T>(WriteWork<T> work, Promise<T> promise) implements Task {
    void run(OpsWriter writer) throws SQLException {
      T result = work.apply(writer);
      Completions.succeed(promise, result);
    }
  }

  private record Stop(Runnable afterStop, Promise<Void> promise) implements Task {}

  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final int maxBatch;
  private final int maxQueued;
  private final WriterOpener opener;
  private final Thread thread;

  // Written by the writer thread only; read by stats().
  private volatile long commits;
  private volatile long appends;
  private volatile long failedBatches;

  // Writer thread only. Null until first use and after an error until the next batch reopens it.
  private OpsWriter writer;

  GroupCommitWriter(WriterOpener opener, int maxBatch, int maxQueued) {
    this.opener = opener;
    this.maxBatch = maxBatch;
    this.maxQueued = maxQueued;
    this.thread = new Thread(this::loop, "pg-writer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues an append; false if the queue is full. */
  boolean append(LoggedOp op, Promise<Void> promise) {
    if (queue.size() >= maxQueued) {
      return false;
    }
    return queue.offer(new Append(op, promise));
  }

  /** Queues other work for the writing connection, run in its own turn. */
  <T> void submit(WriteWork<T> work, Promise<T> promise) {
    queue.add(new Job<>(work, promise));
  }

  /**
   * Queues the stop: everything queued before it is written; anything queued after it fails; then
   * the connection is closed, {@code afterStop} runs on the writer thread and {@code promise}
   * completes.
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
        } else if (task instanceof Job<?> job) {
          runJob(job);
        } else if (task instanceof Stop stop) {
          failAfterStop(drained.subList(i + 1, drained.size()));
          shutdown(stop);
          return;
        }
      }
      drained.clear();
    }
  }

  private void commitAppends(List<Append> run) {
    List<LoggedOp> ops = new ArrayList<>(run.size());
    run.forEach(a -> ops.add(a.op()));
    List<RuntimeException> outcomes;
    try {
      outcomes = withRetry(w -> w.appendAll(ops));
    } catch (SQLException | RuntimeException e) {
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

  private void runJob(Job<?> job) {
    try {
      withRetry(
          w -> {
            job.run(w);
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
   * Runs {@code work} on the connection; once more on a new connection if an open connection turned
   * out broken (e.g. the server restarted since the last batch) or the transaction hit a deadlock.
   * Drops the connection after any SQL error.
   */
  private <T> T withRetry(WriteWork<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      boolean wasOpen = writer != null;
      try {
        return work.apply(writer());
      } catch (SQLException e) {
        dropWriter();
        boolean retry =
            attempt == 1
                && ((wasOpen && PgConnections.isConnectionFailure(e))
                    || PgConnections.isTransient(e));
        if (!retry) {
          throw e;
        }
      }
    }
  }

  private OpsWriter writer() throws SQLException {
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
      } else if (task instanceof Job<?> j) {
        Completions.fail(j.promise(), closed);
      } else if (task instanceof Stop s) {
        Completions.succeed(s.promise(), null);
      }
    }
  }

  private void shutdown(Stop stop) {
    try {
      dropWriter();
      stop.afterStop().run();
    } catch (RuntimeException e) {
      Completions.fail(stop.promise(), e);
      return;
    }
    Completions.succeed(stop.promise(), null);
  }
}
