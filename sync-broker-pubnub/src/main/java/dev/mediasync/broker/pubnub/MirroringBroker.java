package dev.mediasync.broker.pubnub;

import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary broker that carries the service's traffic (subscriptions, delivery between nodes) and a
 * mirror that only receives copies of every publish, e.g. Redis as the primary and PubNub as the
 * mirror that lets PubNub clients listen on {@code user.{id}.*}.
 *
 * <p>{@link #publish} publishes to both and returns the primary's future: the mirror can neither
 * slow nor fail the service's own delivery; its failures are logged (the mirror counts them too).
 * {@link #subscribe} and {@link #ping} go to the primary only (a mirror outage does not make the
 * node unready). {@link #close} closes both.
 */
public final class MirroringBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(MirroringBroker.class);

  private final Broker primary;
  private final Broker mirror;

  public MirroringBroker(Broker primary, Broker mirror) {
    this.primary = primary;
    this.mirror = mirror;
  }

  public Broker primary() {
    return primary;
  }

  public Broker mirror() {
    return mirror;
  }

  @Override
  public Future<Void> publish(Envelope envelope) {
    Future<Void> result = primary.publish(envelope);
    try {
      mirror
          .publish(envelope)
          .onFailure(
              e -> log.debug("mirror publish on {} failed: {}", envelope.channel(), e.toString()));
    } catch (RuntimeException e) {
      log.warn("mirror publish on {} threw: {}", envelope.channel(), e.toString());
    }
    return result;
  }

  @Override
  public Future<Subscription> subscribe(String userId, Consumer<Envelope> handler) {
    return primary.subscribe(userId, handler);
  }

  @Override
  public Future<Void> ping() {
    return primary.ping();
  }

  @Override
  public Future<Void> close() {
    return Future.join(primary.close(), mirror.close()).mapEmpty();
  }
}
