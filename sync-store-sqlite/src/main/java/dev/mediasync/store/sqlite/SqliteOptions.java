package dev.mediasync.store.sqlite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SqliteOpStore}.
 *
 * @param dbFile the database file; its directory is created if missing. SQLite keeps {@code
 *     <file>-wal} and {@code <file>-shm} next to it.
 * @param synchronous how hard a commit pushes to disk; see {@link Synchronous}
 * @param maxBatch most appends (and other writes) committed in one transaction
 * @param maxQueuedWrites appends waiting for the writer beyond this fail at once with {@code
 *     StoreUnavailableException} (back-pressure instead of unbounded memory)
 * @param busyTimeout how long a statement waits for a lock held by another connection or process
 *     before it fails; bounds how long a future can wait on a locked database
 * @param readConnections connections (and threads) serving {@code load}, {@code since} and {@code
 *     ping}
 */
public record SqliteOptions(
    Path dbFile,
    Synchronous synchronous,
    int maxBatch,
    int maxQueuedWrites,
    Duration busyTimeout,
    int readConnections) {

  /** SQLite's {@code PRAGMA synchronous} for the writer connection (journal mode is always WAL). */
  public enum Synchronous {
    /** fsync of the WAL on every commit: an acknowledged op survives a crash and power loss. */
    FULL,
    /**
     * No fsync on commit (only at checkpoints): an acknowledged op survives a process crash but the
     * last commits may be lost on power loss or an OS crash.
     */
    NORMAL
  }

  /** The file name used in a data directory by {@link #defaults(Path)}. */
  public static final String DEFAULT_FILE_NAME = "sync.db";

  public SqliteOptions {
    Objects.requireNonNull(dbFile, "dbFile");
    Objects.requireNonNull(synchronous, "synchronous");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    if (maxQueuedWrites < 1) {
      throw new IllegalArgumentException("maxQueuedWrites must be at least 1: " + maxQueuedWrites);
    }
    if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
    }
    if (readConnections < 1) {
      throw new IllegalArgumentException("readConnections must be at least 1: " + readConnections);
    }
  }

  /**
   * {@code <dataDir>/sync.db}, {@link Synchronous#FULL}, batches of up to 1024, 100,000 queued
   * writes, 5 s busy timeout, 2 read connections.
   */
  public static SqliteOptions defaults(Path dataDir) {
    return new SqliteOptions(
        dataDir.resolve(DEFAULT_FILE_NAME),
        Synchronous.FULL,
        1024,
        100_000,
        Duration.ofSeconds(5),
        2);
  }

  public SqliteOptions withSynchronous(Synchronous value) {
    return new SqliteOptions(
        dbFile, value, maxBatch, maxQueuedWrites, busyTimeout, readConnections);
  }

  public SqliteOptions withMaxBatch(int value) {
    return new SqliteOptions(
        dbFile, synchronous, value, maxQueuedWrites, busyTimeout, readConnections);
  }

  public SqliteOptions withBusyTimeout(Duration value) {
    return new SqliteOptions(
        dbFile, synchronous, maxBatch, maxQueuedWrites, value, readConnections);
  }

  public SqliteOptions withReadConnections(int value) {
    return new SqliteOptions(dbFile, synchronous, maxBatch, maxQueuedWrites, busyTimeout, value);
  }

  String jdbcUrl() {
    return "jdbc:sqlite:" + dbFile.toAbsolutePath();
  }
}
