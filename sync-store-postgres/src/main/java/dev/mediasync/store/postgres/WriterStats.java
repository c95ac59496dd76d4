package dev.mediasync.store.postgres;

/**
 * Group-commit counters of a {@link PostgresOpStore}.
 *
 * @param commits append transactions committed
 * @param appends appends in those transactions (so {@code appends / commits} is the mean batch)
 * @param failedBatches append transactions that failed (every op in them failed)
 */
public record WriterStats(long commits, long appends, long failedBatches) {}
