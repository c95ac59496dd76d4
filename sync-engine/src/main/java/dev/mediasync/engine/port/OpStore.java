package dev.mediasync.engine.port;

import dev.mediasync.core.HybridTimestamp;
import io.vertx.core.Future;

/**
 * The durable per-user op log with snapshots. Adapters: embedded SQLite (default), PostgreSQL, and
 * an in-memory one for tests.
 *
 * <p>Every adapter MUST:
 *
 * <ol>
 *   <li><b>Durability before completion.</b> The future of {@link #append} succeeds only once the
 *       op is durable (it survives a process crash right after). A failed future means the op may
 *       or may not be stored; the caller treats it as not acknowledged.
 *   <li><b>Order per user.</b> The futures of one user's appends complete in the order {@link
 *       #append} was called, and a later {@link #load}/{@link #since} sees them in timestamp order.
 *   <li><b>Idempotent replay.</b> Appending an op identical to a stored one (same user, timestamp
 *       and payload) changes nothing and succeeds. A <i>different</i> op at a stored (user,
 *       timestamp) is not a replay: timestamps are unique per node, not across nodes, so a store
 *       shared by several nodes refuses it with {@link StaleTimestampException} (rule 7). A second
 *       op with the same (user, opId) is refused with {@link DuplicateOpIdException} (the engine
 *       checks first; this is the backstop across nodes).
 *   <li><b>Never block the caller.</b> Methods return at once; blocking I/O runs on threads the
 *       adapter owns (a writer thread, a worker pool) or on a non-blocking client. Futures may
 *       complete on any thread.
 *   <li><b>Group commit.</b> Appends that arrive while a commit is in flight are written together
 *       in the next commit, so durability does not serialize throughput.
 *   <li><b>Failure is visible.</b> When the backing store is unreachable, futures fail (with {@link
 *       StoreUnavailableException}) instead of hanging past a bounded timeout, and the store
 *       recovers by itself when the backend returns; {@link #ping} reports it.
 *   <li><b>Monotonic timestamps per user when shared.</b> A store shared by several nodes MUST
 *       refuse an append whose timestamp is not greater than the newest timestamp already stored
 *       for that user, with {@link StaleTimestampException} carrying that newest timestamp (only
 *       that op's future fails; nothing is stored), so per-user log order equals commit order and a
 *       device catching up with {@link #since} never misses an op committed later with a lower
 *       timestamp. An exact replay of a stored (user, timestamp) still succeeds (rule 3). The check
 *       and the insert happen in one commit. Single-node stores MAY skip the check because one
 *       {@code HybridClock} already hands out increasing timestamps.
 * </ol>
 */
public interface OpStore {

  /** Appends one op durably. See rules 1, 2, 3, 5 and 7. */
  Future<Void> append(LoggedOp op);

  /** The latest snapshot and every op after it, in timestamp order. Empty log for a new user. */
  Future<UserLog> load(String userId);

  /**
   * Ops of {@code userId} with timestamp &gt; {@code since}, ascending, at most {@code limit}; or
   * {@link CatchUp#mustSnapshot()} when the log was compacted past {@code since} or more than
   * {@code limit} ops match.
   */
  Future<CatchUp> since(String userId, HybridTimestamp since, int limit);

  /**
   * Stores {@code snapshot} and deletes the user's ops at or before {@code snapshot.through()},
   * except the newest {@code keepOps} of them (kept for catch-up and idempotency). Afterwards
   * {@link #since} with a timestamp before the oldest kept op answers {@code truncated}.
   */
  Future<Void> compact(StoredSnapshot snapshot, int keepOps);

  /**
   * The stored op of {@code userId} whose op id is {@code opId}, or null when the log holds none
   * (never stored, or compacted away). Answers a retry of an op id the engine no longer keeps in
   * memory.
   */
  Future<LoggedOp> findOp(String userId, String opId);

  /** Succeeds if the backend is reachable now; for readiness probes. */
  Future<Void> ping();

  /** Finishes in-flight appends, then releases resources. */
  Future<Void> close();
}
