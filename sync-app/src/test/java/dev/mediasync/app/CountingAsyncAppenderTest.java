package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CountingAsyncAppenderTest {

  @Test
  void fullQueue_dropsLinesWithoutBlocking_andCountsThem() throws InterruptedException {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AppenderBase<ILoggingEvent> stuckOutput =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent e) {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
        };
    stuckOutput.setContext(context);
    stuckOutput.start();
    CountingAsyncAppender async = new CountingAsyncAppender();
    async.setContext(context);
    async.setQueueSize(1);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.addAppender(stuckOutput);
    async.start();
    long before = DroppedLogLines.total();
    try {
      async.doAppend(line(context, "taken by the writer, which then hangs"));
      assertThat(writing.await(5, TimeUnit.SECONDS))
          .as(context.getStatusManager().getCopyOfStatusList().toString())
          .isTrue();
      async.doAppend(line(context, "fills the queue of one"));

      long started = System.nanoTime();
      for (int i = 0; i < 8; i++) {
        async.doAppend(line(context, "dropped " + i));
      }

      assertThat(System.nanoTime() - started)
          .as("the caller never waited for the stuck output")
          .isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(DroppedLogLines.total() - before).isEqualTo(8);
    } finally {
      release.countDown();
      async.stop();
    }
  }

  private static ILoggingEvent line(LoggerContext context, String message) {
    return new LoggingEvent(
        "test", context.getLogger("test"), Level.INFO, message, null, new Object[0]);
  }
}
