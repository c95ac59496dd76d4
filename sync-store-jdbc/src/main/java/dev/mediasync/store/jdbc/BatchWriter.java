package dev.mediasync.store.jdbc;

import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoredSnapshot;
import java.sql.SQLException;
import java.util.List;

/**
 * The engine-specific write transactions on one writing connection: what {@link GroupCommitWriter}
 * runs on its thread. Used by the writer thread only.
 */
public interface BatchWriter extends AutoCloseable {

  /**
   * Stores {@code ops} in one transaction.
   *
   * @return per op, in order: null if stored or already stored (replay of the same (user, ts)), or
   *     the exception refusing it (e.g. {@link dev.mediasync.engine.port.DuplicateOpIdException})
   * @throws SQLException if the transaction failed; it was rolled back and nothing is stored
   */
  List<RuntimeException> appendAll(List<LoggedOp> ops) throws SQLException;

  /**
   * In one transaction: stores {@code snapshot} unless a newer one is stored, deletes the user's
   * ops at or before its {@code through} except the newest {@code keepOps}, and raises the user's
   * compaction mark to the newest deleted op (see {@link Compaction}).
   */
  void compact(StoredSnapshot snapshot, int keepOps) throws SQLException;

  /**
   * Called when the queue is empty after a batch: housekeeping that would otherwise hold up a
   * commit (SQLite: the WAL checkpoint). Ops arriving meanwhile wait for it, so keep it short.
   *
   * @throws SQLException like a failed transaction: the connection is dropped and reopened
   */
  default void idle() throws SQLException {}

  /** Last work at shutdown, before {@link #close()} (SQLite: checkpoint the WAL); best effort. */
  default void finish() {}

  /** Closes the statements and the connection, quietly. */
  @Override
  void close();
}
