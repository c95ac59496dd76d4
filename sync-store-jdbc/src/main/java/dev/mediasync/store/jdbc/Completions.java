package dev.mediasync.store.jdbc;

import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes promises from the store's own threads. Callbacks run synchronously on the completing
 * thread; one that throws must not kill the writer or a reader, so the exception is logged here.
 */
final class Completions {

  private static final Logger LOG = LoggerFactory.getLogger(Completions.class);

  private Completions() {}

  static <T> void succeed(Promise<T> promise, T value) {
    try {
      promise.complete(value);
    } catch (RuntimeException e) {
      LOG.warn("op store callback threw", e);
    }
  }

  static void fail(Promise<?> promise, Throwable cause) {
    try {
      promise.fail(cause);
    } catch (RuntimeException e) {
      LOG.warn("op store callback threw", e);
    }
  }
}
