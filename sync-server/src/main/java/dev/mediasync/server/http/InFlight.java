package dev.mediasync.server.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts writes that were accepted but not yet answered, so shutdown can wait for them: a write the
 * server started is finished (durable and answered) before the process exits.
 */
public final class InFlight {
  private final AtomicInteger count = new AtomicInteger();
  private Promise<Void> drained;

  public <T> Future<T> track(Future<T> f) {
    count.incrementAndGet();
    return f.andThen(r -> release());
  }

  public int count() {
    return count.get();
  }

  /** Completes when no write is in flight. */
  public synchronized Future<Void> whenDrained() {
    if (count.get() == 0) {
      return Future.succeededFuture();
    }
    if (drained == null) {
      drained = Promise.promise();
    }
    return drained.future();
  }

  private void release() {
    if (count.decrementAndGet() == 0) {
      Promise<Void> p;
      synchronized (this) {
        p = drained;
        drained = null;
      }
      if (p != null) {
        p.tryComplete();
      }
    }
  }
}
