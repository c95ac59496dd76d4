package dev.mediasync.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.LoggedOp;
import dev.mediasync.engine.port.StoreUnavailableException;
import dev.mediasync.store.jdbc.WriterStats;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite adapter promises: pragmas, migrations, group commit, failure handling. */
class SqliteOpStoreTest {

  private static final long BASE_MILLIS = 1_700_000_000_000L;

  @TempDir Path dataDir;

  private final List<SqliteOpStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(s -> await(s.close()));
  }

  @Test
  void open_defaults_walAndSynchronousFullInEffect() {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));

    assertThat(await(store.writerPragma("journal_mode"))).isEqualTo("wal");
    assertThat(await(store.writerPragma("synchronous"))).isEqualTo("2"); // FULL
    assertThat(await(store.writerPragma("busy_timeout"))).isEqualTo("5000");
    assertThat(dataDir.resolve("sync.db")).exists();
  }

  @Test
  void open_defaults_noAutomaticCheckpointInsideACommit() {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));

    assertThat(await(store.writerPragma("wal_autocheckpoint"))).isEqualTo("0");
  }

  @Test
  void walCheckpoints_happenWhenTheWriterIsIdle() throws SQLException {
    // The writer on its own, told it is idle after each commit, as GroupCommitWriter does when
    // its queue is empty (GroupCommitWriterTest covers that part). Driven through the store, this
    // test depended on the race between the caller's next append and the writer's look at its
    // queue, and failed on a loaded CI machine (1.48 MB).
    OpsWriter writer = OpsWriter.open(SqliteOptions.defaults(dataDir));
    try {
      for (int i = 1; i <= 3_000; i++) {
        writer.appendAll(List.of(op("user-" + (i % 50), i, null)));
        writer.idle();
      }
      // The writer checkpoints every few commits and the next commit starts the WAL over. Without
      // the idle checkpoints (only the forced one every 500 ops) the WAL measured 2.6 MB here.
      long walBytes = dataDir.resolve("sync.db-wal").toFile().length();
      assertThat(walBytes).isPositive().isLessThan(1024L * 1024);
    } finally {
      writer.close();
    }
  }

  @Test
  void walCheckpoints_alsoWhenTheWriterIsNeverIdle() throws SQLException {
    // The writer on its own, never told it is idle: 20 commits of 250 ops of ~1 KB.
    String padding = "x".repeat(1_000);
    OpsWriter writer = OpsWriter.open(SqliteOptions.defaults(dataDir));
    try {
      for (int batch = 0; batch < 20; batch++) {
        List<LoggedOp> ops = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
          long n = batch * 250L + i + 1;
          ops.add(new LoggedOp("user-" + (n % 50), ts(n), null, null, "\"" + padding + "\""));
        }
        writer.appendAll(ops);
      }
      // Measured while open: closing the last connection checkpoints and deletes the WAL.
      // Without a checkpoint the WAL grew to 38 MB here; one every 500 ops restarts it (4.2 MB:
      // what two of these commits write).
      long walBytes = dataDir.resolve("sync.db-wal").toFile().length();
      assertThat(walBytes).isPositive().isLessThan(8L * 1024 * 1024);
    } finally {
      writer.close();
    }
  }

  @Test
  void open_synchronousNormal_inEffect() {
    SqliteOpStore store =
        open(SqliteOptions.defaults(dataDir).withSynchronous(SqliteOptions.Synchronous.NORMAL));

    assertThat(await(store.writerPragma("synchronous"))).isEqualTo("1"); // NORMAL
    assertThat(await(store.writerPragma("journal_mode"))).isEqualTo("wal");
  }

  @Test
  void open_twice_migratesOnceAndKeepsData() throws SQLException {
    SqliteOpStore first = open(SqliteOptions.defaults(dataDir));
    await(first.append(op("alice", 1, "op-1")));
    await(first.close());

    SqliteOpStore second = open(SqliteOptions.defaults(dataDir));

    assertThat(await(second.load("alice")).ops()).containsExactly(op("alice", 1, "op-1"));
    try (Connection raw = raw()) {
      assertThat(queryLong(raw, "PRAGMA user_version")).isEqualTo(SchemaMigrations.latestVersion());
      // ops, snapshots, compaction_marks; notifications, notification_reads (migration 2)
      assertThat(queryLong(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"))
          .isEqualTo(5);
    }
  }

  @Test
  void open_schemaNewerThanCode_refused() throws SQLException {
    try (Connection raw = raw();
        Statement st = raw.createStatement()) {
      st.execute("PRAGMA user_version = 99");
    }

    assertThatThrownBy(() -> SqliteOpStore.open(dataDir))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("newer");
  }

  @Test
  void append_backToBackWhileWriterWaits_committedInFewTransactions() throws SQLException {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));
    List<Future<Void>> futures = new ArrayList<>();
    try (Connection blocker = raw();
        Statement st = blocker.createStatement()) {
      st.execute("BEGIN IMMEDIATE"); // the writer's first batch waits for this lock
      for (int i = 0; i < 500; i++) {
        futures.add(store.append(op("alice", i, "op-" + i)));
      }
      st.execute("ROLLBACK");
    }
    futures.forEach(SqliteOpStoreTest::await);

    WriterStats stats = store.stats();
    assertThat(stats.appends()).isEqualTo(500);
    assertThat(stats.commits()).isBetween(1L, 2L);
    assertThat(await(store.load("alice")).ops()).hasSize(500);
  }

  @Test
  void load_whileWriterWaitsForLock_answersWithoutWaiting() throws SQLException {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));
    await(store.append(op("alice", 1, "op-1")));
    try (Connection blocker = raw();
        Statement st = blocker.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      Future<Void> stuck = store.append(op("alice", 2, "op-2"));

      assertThat(await(store.load("alice")).ops()).containsExactly(op("alice", 1, "op-1"));
      await(store.ping());
      assertThat(stuck.isComplete()).isFalse();
      st.execute("ROLLBACK");
      await(stuck);
    }
  }

  @Test
  void append_databaseLockedPastBusyTimeout_failsBatchThenRecovers() throws SQLException {
    SqliteOpStore store =
        open(SqliteOptions.defaults(dataDir).withBusyTimeout(Duration.ofMillis(200)));
    Throwable failure;
    try (Connection blocker = raw();
        Statement st = blocker.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      failure = awaitFailure(store.append(op("alice", 1, "op-1")));
      st.execute("ROLLBACK");
    }

    assertThat(failure).isInstanceOf(StoreUnavailableException.class);
    await(store.append(op("alice", 2, "op-2")));
    assertThat(await(store.load("alice")).ops()).containsExactly(op("alice", 2, "op-2"));
    assertThat(store.stats().failedBatches()).isEqualTo(1);
    await(store.ping());
  }

  @Test
  void append_statementFailsInsideBatch_wholeBatchFailsAndNextBatchSucceeds() throws SQLException {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));
    try (Connection raw = raw();
        Statement st = raw.createStatement()) {
      st.execute(
          "CREATE TRIGGER boom BEFORE INSERT ON ops WHEN NEW.payload = 'boom'"
              + " BEGIN SELECT RAISE(ABORT, 'boom'); END");
    }
    List<LoggedOp> ops = new ArrayList<>();
    List<Future<Void>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      LoggedOp op =
          i == 25 ? new LoggedOp("alice", ts(i), "op-" + i, null, "boom") : op("alice", i, null);
      ops.add(op);
      futures.add(store.append(op));
    }

    List<Throwable> failures = new ArrayList<>();
    for (Future<Void> f : futures) {
      failures.add(outcome(f));
    }
    List<LoggedOp> stored = await(store.load("alice")).ops();

    assertThat(failures.get(25)).isInstanceOf(StoreUnavailableException.class);
    for (int i = 0; i < ops.size(); i++) {
      // Atomic batches: an op is stored exactly when its future succeeded.
      assertThat(stored.contains(ops.get(i)))
          .as("op %d stored", i)
          .isEqualTo(failures.get(i) == null);
      if (failures.get(i) != null) {
        assertThat(failures.get(i)).isInstanceOf(StoreUnavailableException.class);
      }
    }
    try (Connection raw = raw();
        Statement st = raw.createStatement()) {
      st.execute("DROP TRIGGER boom");
    }
    await(store.append(op("alice", 100, "op-100")));
    assertThat(await(store.load("alice")).ops()).contains(op("alice", 100, "op-100"));
  }

  @Test
  void append_afterClose_failsAndReadsFailToo() {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));
    await(store.close());

    assertThat(awaitFailure(store.append(op("alice", 1, "op-1"))))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(awaitFailure(store.load("alice"))).isInstanceOf(StoreUnavailableException.class);
    assertThat(awaitFailure(store.ping())).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.close().succeeded()).isTrue();
  }

  @Test
  void append_timestampAtOrAbove2pow63_refused() {
    SqliteOpStore store = open(SqliteOptions.defaults(dataDir));
    LoggedOp far = new LoggedOp("alice", HybridTimestamp.fromPacked(1L << 63), null, null, "{}");

    assertThat(awaitFailure(store.append(far))).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(store.since("alice", far.timestamp(), 10)).ops()).isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private SqliteOpStore open(SqliteOptions options) {
    SqliteOpStore store = SqliteOpStore.open(options);
    opened.add(store);
    return store;
  }

  private Connection raw() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("sync.db"));
  }

  private static long queryLong(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static HybridTimestamp ts(long n) {
    return HybridTimestamp.of(BASE_MILLIS + n, 0);
  }

  private static LoggedOp op(String userId, long n, String opId) {
    return new LoggedOp(userId, ts(n), opId, opId == null ? null : "fp", "{\"n\":" + n + "}");
  }

  private static <T> T await(Future<T> future) {
    Throwable failure = outcome(future);
    if (failure != null) {
      throw new AssertionError("future failed: " + failure, failure);
    }
    return future.result();
  }

  private static Throwable awaitFailure(Future<?> future) {
    Throwable failure = outcome(future);
    assertThat(failure).as("future failure").isNotNull();
    return failure;
  }

  /** Waits for the future; its failure, or null if it succeeded. */
  private static Throwable outcome(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete in 10s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
