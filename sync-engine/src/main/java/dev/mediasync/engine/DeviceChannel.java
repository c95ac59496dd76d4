package dev.mediasync.engine;

import dev.mediasync.protocol.CloseCode;

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

  /** Queues one text frame. Never blocks. */
  void send(String json);

  /** Closes the connection with {@code code}; the transport then reports the close to the hub. */
  void close(CloseCode code);
}
