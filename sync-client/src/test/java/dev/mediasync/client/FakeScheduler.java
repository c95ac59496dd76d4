package dev.mediasync.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} that runs nothing by itself: a test takes the next task, checks its delay and
 * runs it, so backoff and heartbeat timers are driven without sleeping. Thread-safe.
 */
final class FakeScheduler implements Scheduler {

  /** One scheduled task. */
  static final class Task {
    final Duration delay;
    final Runnable body;
    volatile boolean cancelled;

    Task(Duration delay, Runnable body) {
      this.delay = delay;
      this.body = body;
    }

    void run() {
      if (!cancelled) {
        body.run();
      }
    }
  }

  private final LinkedBlockingDeque<Task> queue = new LinkedBlockingDeque<>();
  private final List<Duration> delays = new ArrayList<>();

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(delay, task);
    delays.add(delay);
    queue.add(t);
    return () -> t.cancelled = true;
  }

  /** The next task scheduled (waiting for it, since connects fail asynchronously). */
  Task next() {
    try {
      Task t = queue.poll(10, TimeUnit.SECONDS);
      if (t == null) {
        throw new AssertionError("nothing was scheduled within 10 s");
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }
}
