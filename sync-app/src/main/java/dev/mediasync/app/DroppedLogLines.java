package dev.mediasync.app;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many log lines were dropped because the log queue was full ({@link CountingAsyncAppender}
 * counts them). Kept apart from the appender so that reading it (for {@code /metrics}) never loads
 * Logback: an embedder or a test may run the service under another SLF4J backend.
 */
public final class DroppedLogLines {
  private static final LongAdder COUNT = new LongAdder();

  private DroppedLogLines() {}

  static void record() {
    COUNT.increment();
  }

  /** Lines dropped since the process started. */
  public static long total() {
    return COUNT.sum();
  }
}
