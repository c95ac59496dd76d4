package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The single-node {@link Broker}: delivers synchronously on the publisher's thread. Order per
 * channel holds because one user's ops are published from one ordered completion path.
 */
public final class InProcessBroker implements Broker {

  private final Map<String, List<Consumer<Envelope>>> handlersByUser = new ConcurrentHashMap<>();

  @Override
  public Future<Void> publish(Envelope envelope) {
    List<Consumer<Envelope>> handlers = handlersByUser.get(envelope.userId());
    if (handlers != null) {
      for (Consumer<Envelope> h : handlers) {
        try {
          h.accept(envelope);
        } catch (RuntimeException e) {
          // Rule 4: a failing subscriber never turns into an exception for the publisher (a
          // write), nor keeps the envelope from the other subscribers.
        }
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
    handlersByUser.computeIfAbsent(userId, k -> new CopyOnWriteArrayList<>()).add(handler);
    return Future.succeededFuture(
        () -> {
          handlersByUser.computeIfPresent(
              userId,
              (k, list) -> {
                list.remove(handler);
                return list.isEmpty() ? null : list;
              });
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    handlersByUser.clear();
    return Future.succeededFuture();
  }
}
