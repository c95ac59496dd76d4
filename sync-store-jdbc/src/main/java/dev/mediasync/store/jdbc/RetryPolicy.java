package dev.mediasync.store.jdbc;

import java.sql.SQLException;

/**
 * Whether work that failed with an SQL error on its first attempt runs once more, on a new
 * connection. The failed connection is dropped either way; there is never a third attempt.
 */
@FunctionalInterface
public interface RetryPolicy {

  /** Never retry: the error fails the work (SQLite, where the connection is a local file). */
  RetryPolicy NEVER = (error, wasOpen) -> false;

  /**
   * @param error what the first attempt failed with
   * @param wasOpen true if the connection was open before the attempt (not opened by it), so the
   *     error may just say that it went stale since
   */
  boolean retry(SQLException error, boolean wasOpen);
}
