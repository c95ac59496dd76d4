package dev.mediasync.engine;

import dev.mediasync.engine.port.Envelope;
import dev.mediasync.protocol.CloseCode;
import io.vertx.core.Future;

/**
 * The engine's view of one device connection (a WebSocket in the server). Implementations must
 * accept {@link #send} from any thread without blocking, keep the order of sends from one thread,
 * and enforce their own slow-consumer bound.
 */
public interface DeviceChannel {
  String userId();

  String deviceId();

  /** Unique per connection on this node. */
  String connectionId();

  /**
   * Queues one live text frame. Never blocks. Past the channel's outbound bound the device is a
   * slow consumer and the channel closes itself.
   */
  void send(String json);

  /**
   * Queues one live envelope of this channel's user; by default its JSON via {@link #send}. A
   * transport overrides it to act on a topic, e.g. to mark a notification read for this device.
   */
  default void deliver(Envelope envelope) {
    send(envelope.json());
  }

  /**
   * Queues one catch-up frame with backpressure instead of the slow-consumer bound: the future
   * completes when the channel can take more, so a reconnecting device is fed as fast as it reads.
   */
  Future<Void> sendPaced(String json);

  /** Closes the connection with {@code code}; the transport then reports the close to the hub. */
  void close(CloseCode code);
}
