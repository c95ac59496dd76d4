package dev.mediasync.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@link AsyncAppender} (configured with {@code neverBlock}, see {@code logback.xml}),
 * counting the lines it drops because its queue is full ({@link DroppedLogLines}), so an operator
 * sees on {@code /metrics} ({@code sync_log_lines_dropped_total}) that whatever reads the service's
 * output has fallen behind.
 *
 * <p>Logback drops such a line silently and does not say whether a given line was queued, so a line
 * is counted when the queue was full just before it was offered. Under a race with the writer
 * thread one line may be counted wrongly either way; the count says that lines are being lost and
 * roughly how many.
 */
public final class CountingAsyncAppender extends AsyncAppender {
  @Override
  protected void append(ILoggingEvent event) {
    // Only called once started (doAppend checks); without neverBlock a full queue waits instead.
    if (isNeverBlock() && getRemainingCapacity() == 0) {
      DroppedLogLines.record();
    }
    super.append(event);
  }
}
