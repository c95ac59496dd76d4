package dev.mediasync.store.jdbc;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.CatchUp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.engine.port.StoredSnapshot;
import dev.mediasync.engine.port.UserLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@link OpStore} port over one {@link GroupCommitWriter} and one {@link ReadPool}: checks the
 * arguments, routes writes (append, compact) to the writer queue and reads (load, since, ping) to
 * the reader threads, and orders {@link #close()} against both. Subclasses open the engine and add
 * its own limits ({@link #refuse(LoggedOp)}).
 *
 * <p><b>Threads.</b> The caller's thread only checks and queues. Futures complete on the writer or
 * a reader thread: callbacks must be short and must not block (hop to your own context for real
 * work).
 *
 * <p><b>Timestamps</b> are stored as {@link HybridTimestamp#packed()} in a signed 64-bit column,
 * which orders correctly for every packed value below 2^63 (physical time before the year 6429).
 * Appends and snapshots with a larger timestamp are refused with {@link IllegalArgumentException}
 * rather than stored out of order.
 *
 * @param <W> the engine's writer
 */
public abstract class JdbcOpStore<W extends BatchWriter> implements OpStore {

  private static final long READ_DRAIN_SECONDS = 10;

  private final GroupCommitWriter<W> writer;
  private final ReadPool reads;
  private final Promise<Void> closed = Promise.promise();

  // Appends hold the read side while they check `closing` and queue; close() takes the write side,
  // so every append either is queued before the stop or sees `closing`.
  private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
  private volatile boolean closing;

  /** Takes both, not started; the subclass's factory calls {@link #start()} once constructed. */
  protected JdbcOpStore(GroupCommitWriter<W> writer, ReadPool reads) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.reads = Objects.requireNonNull(reads, "reads");
  }

  /** Starts the writer thread (reader threads start on the first read). */
  protected final void start() {
    writer.start();
  }

  /**
   * What the engine cannot store in {@code op}, checked before anything is queued; null if
   * storable. The signed 64-bit timestamp limit is checked already.
   */
  protected IllegalArgumentException refuse(LoggedOp op) {
    return null;
  }

  /** Same as {@link #refuse(LoggedOp)} for a snapshot. */
  protected IllegalArgumentException refuse(StoredSnapshot snapshot) {
    return null;
  }

  /** Group-commit counters, e.g. for metrics. */
  public final WriterStats stats() {
    return writer.stats();
  }

  @Override
  public final Future<Void> append(LoggedOp op) {
    Objects.requireNonNull(op, "op");
    if (op.timestamp().packed() < 0) {
      return Future.failedFuture(outOfRange(op.timestamp()));
    }
    IllegalArgumentException refused = refuse(op);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    Promise<Void> promise = Promise.promise();
    closeLock.readLock().lock();
    try {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      if (!writer.append(op, promise)) {
        return Future.failedFuture(
            new StoreUnavailableException(
                "op store write queue full (" + writer.maxQueued() + ")", null));
      }
    } finally {
      closeLock.readLock().unlock();
    }
    return promise.future();
  }

  @Override
  public final Future<UserLog> load(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (closing) {
      return Future.failedFuture(closedError());
    }
    return reads.submit(r -> r.load(userId));
  }

  @Override
  public final Future<CatchUp> since(String userId, HybridTimestamp since, int limit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(since, "since");
    if (closing) {
      return Future.failedFuture(closedError());
    }
    if (since.packed() < 0) {
      // After every storable timestamp: nothing can follow it, and nothing after it was compacted.
      return Future.succeededFuture(new CatchUp(List.of(), false));
    }
    return reads.submit(r -> r.since(userId, since, limit));
  }

  @Override
  public final Future<Void> compact(StoredSnapshot snapshot, int keepOps) {
    Objects.requireNonNull(snapshot, "snapshot");
    if (keepOps < 0) {
      return Future.failedFuture(new IllegalArgumentException("keepOps < 0: " + keepOps));
    }
    if (snapshot.through().packed() < 0) {
      return Future.failedFuture(outOfRange(snapshot.through()));
    }
    IllegalArgumentException refused = refuse(snapshot);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    return onWriter(
        w -> {
          w.compact(snapshot, keepOps);
          return null;
        });
  }

  @Override
  public final Future<LoggedOp> findOp(String userId, String opId) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(opId, "opId");
    if (closing) {
      return Future.failedFuture(closedError());
    }
    return reads.submit(r -> r.findOp(userId, opId));
  }

  /** Runs {@code SELECT 1} on a reader connection (opening one if needed). */
  @Override
  public final Future<Void> ping() {
    if (closing) {
      return Future.failedFuture(closedError());
    }
    return reads.submit(
        r -> {
          r.ping();
          return null;
        });
  }

  /**
   * Stops taking writes (later appends fail with {@link StoreUnavailableException}), commits
   * everything queued before, lets the writer finish (SQLite: checkpoints the WAL), closes every
   * connection, then completes. Calling it again returns the same future.
   */
  @Override
  public final Future<Void> close() {
    closeLock.writeLock().lock();
    try {
      if (!closing) {
        closing = true;
        writer.stop(() -> reads.close(READ_DRAIN_SECONDS, TimeUnit.SECONDS), closed);
      }
    } finally {
      closeLock.writeLock().unlock();
    }
    return closed.future();
  }

  /** Queues {@code work} for the writer thread, in turn with the appends. */
  protected final <T> Future<T> onWriter(GroupCommitWriter.WriteWork<W, T> work) {
    Promise<T> promise = Promise.promise();
    closeLock.readLock().lock();
    try {
      if (closing) {
        return Future.failedFuture(closedError());
      }
      writer.submit(work, promise);
    } finally {
      closeLock.readLock().unlock();
    }
    return promise.future();
  }

  private static StoreUnavailableException closedError() {
    return new StoreUnavailableException("op store closed", null);
  }

  private static IllegalArgumentException outOfRange(HybridTimestamp ts) {
    return new IllegalArgumentException(
        "timestamp " + ts + " is 2^63 or more; this store orders timestamps as signed 64-bit");
  }
}
