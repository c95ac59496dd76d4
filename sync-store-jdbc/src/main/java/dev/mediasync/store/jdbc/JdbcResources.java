package dev.mediasync.store.jdbc;

/** Closing JDBC resources after a failure, when only the original error matters. */
public final class JdbcResources {

  private JdbcResources() {}

  /** Closes {@code closeable} (if not null), ignoring what closing throws. */
  public static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing a broken connection may fail; it is gone either way.
    }
  }
}
