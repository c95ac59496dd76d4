package dev.mediasync.store.jdbc;

/**
 * Group-commit counters of a store's writer since the store opened.
 *
 * @param commits append transactions committed
 * @param appends appends answered by those commits (stored, replayed or refused)
 * @param failedBatches append transactions that failed and were rolled back (every op in them
 *     failed)
 */
public record WriterStats(long commits, long appends, long failedBatches) {

  /** Appends per committed transaction; 0 before the first commit. */
  public double averageBatch() {
    return commits == 0 ? 0 : (double) appends / commits;
  }
}
