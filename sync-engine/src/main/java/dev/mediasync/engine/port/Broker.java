package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Pub/sub between the nodes of the service on the contract's channels ({@code user.{id}.sync},
 * {@code .devices}, {@code .notifications}). Adapters: in-process (one node), Redis, PubNub.
 *
 * <p>Every adapter MUST:
 *
 * <ol>
 *   <li><b>Never block the caller.</b> {@link #publish} and {@link #subscribe} return at once.
 *   <li><b>Order per channel.</b> Envelopes published by one node on one channel reach each
 *       subscriber in publish order.
 *   <li><b>Deliver to every subscriber of the user</b> on every node, including the publishing
 *       node, each envelope once while the connection to the broker is healthy.
 *   <li><b>Fail visibly, never fail a write.</b> A publish that cannot be delivered fails its
 *       future; the caller logs and counts it. Writes are already durable, so devices recover by
 *       catching up from the op store.
 *   <li><b>Subscribe before load.</b> The future of {@link #subscribe} completes once envelopes
 *       published afterwards are guaranteed to reach the handler, so a session that subscribes and
 *       then reads the op log misses nothing in between.
 *   <li><b>Handlers are called on one thread at a time per subscription</b> and must not block.
 * </ol>
 */
public interface Broker {

  /** Publishes on {@code envelope.channel()}. */
  Future<Void> publish(Envelope envelope);

  /** Subscribes to all of one user's channels. */
  Future<Subscription> subscribe(String userId, Consumer<Envelope> handler);

  /**
   * Registers {@code listener}, called (on any thread) when envelopes published from now on until
   * the subscriptions are restored may not reach this node: the connection to the backend was lost.
   * Subscribers that keep state derived from envelopes (the replica cache) must drop it. Sessions
   * recover through {@code since=}. The in-process broker never loses envelopes and never calls it.
   */
  default void onDeliveryGap(Runnable listener) {}

  /** Succeeds if the broker is reachable now; for readiness probes. */
  Future<Void> ping();

  Future<Void> close();

  /** An active subscription; unsubscribe exactly once. */
  interface Subscription {
    Future<Void> unsubscribe();
  }
}
