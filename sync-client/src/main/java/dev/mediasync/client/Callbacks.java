package dev.mediasync.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Delivers events to the registered {@link SyncListener}s on the callback executor. Events are
 * handed over in the order {@link #emit} is called, and the executor is single-threaded (or the
 * caller's own), so listeners see them in that order. Thread-safe.
 */
final class Callbacks {
  private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
  private final Executor executor;

  Callbacks(Executor executor) {
    this.executor = executor;
  }

  void add(SyncListener l) {
    listeners.add(l);
  }

  void remove(SyncListener l) {
    listeners.remove(l);
  }

  /** Queues one event; after the client closed its own executor, events are dropped. */
  void emit(Consumer<SyncListener> event) {
    try {
      executor.execute(
          () -> {
            for (SyncListener l : listeners) {
              try {
                event.accept(l);
              } catch (RuntimeException e) {
                // A faulty listener must not break delivery to the others or the client itself.
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // The client is closed: nobody is listening any more.
    }
  }
}
