package dev.mediasync.client;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the client's timers (reconnect backoff, heartbeat). Injected so tests can run timers by hand
 * instead of sleeping through them. Implementations must be thread-safe; tasks must not be run on
 * the caller's thread from inside {@link #schedule}.
 */
@FunctionalInterface
public interface Scheduler {

  /** Runs {@code task} once after {@code delay}; the handle cancels it if it has not run. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that can still be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }

  /** A scheduler backed by {@code executor}; the caller keeps ownership of the executor. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (delay, task) -> {
      ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };
  }
}
