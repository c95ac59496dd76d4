package dev.mediasync.testkit;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits for tests: a future's result or failure within a bound, or a plain pause. */
public final class Await {
  private Await() {}

  /** The future's result; fails the test if it fails or does not complete within the bound. */
  public static <T> T result(Future<T> future, long timeoutSeconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + timeoutSeconds + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The future's failure; fails the test if it succeeds or does not complete within the bound. */
  public static Throwable failure(Future<?> future, long timeoutSeconds) {
    try {
      Object result =
          future.toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, but the future succeeded with " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + timeoutSeconds + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Pauses the test thread (only where a test must let real time pass, e.g. a Redis TTL). */
  public static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
