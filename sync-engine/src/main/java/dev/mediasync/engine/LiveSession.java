package dev.mediasync.engine;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.protocol.CloseCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A connected device as the hub sees it. Starts <i>buffering</i>: envelopes that arrive while the
 * catch-up is read from the store are held, then {@link #goLive} sends them, dropping ops the
 * catch-up already delivered (timestamp at or before the catch-up's last). After that every
 * envelope for this device is sent at once. So there is no gap and no duplicate between catch-up
 * and live traffic.
 *
 * <p>Thread-safe: delivery and the switch to live hold the instance lock.
 */
public final class LiveSession {
  private final DeviceChannel channel;

  /** Live traffic held while a catch-up is sent; past this the device is a slow consumer. */
  static final int MAX_BUFFERED_BYTES = 1024 * 1024;

  // Guarded by this.
  private List<Envelope> buffer = new ArrayList<>();
  private long bufferedBytes;
  private HybridTimestamp caughtUpTo;

  private volatile long lastActivityMillis;

  LiveSession(DeviceChannel channel, long nowMillis) {
    this.channel = channel;
    this.lastActivityMillis = nowMillis;
  }

  public DeviceChannel channel() {
    return channel;
  }

  /** Routes one envelope of this session's user; returns true if it was sent or buffered. */
  synchronized boolean deliver(Envelope envelope) {
    if (!envelope.route().includes(channel.deviceId())) {
      return false;
    }
    if (buffer != null) {
      buffer.add(envelope);
      bufferedBytes += envelope.json().length();
      if (bufferedBytes > MAX_BUFFERED_BYTES) {
        // Live traffic outpaces this device's catch-up: same policy as any slow consumer.
        channel.close(CloseCode.SLOW_CONSUMER);
      }
    } else {
      channel.deliver(envelope);
    }
    return true;
  }

  /** Sends an op during catch-up, before live traffic; completes when the socket takes more. */
  synchronized Future<Void> sendCatchUp(String json, HybridTimestamp ts) {
    caughtUpTo = caughtUpTo == null ? ts : HybridTimestamp.max(caughtUpTo, ts);
    return channel.sendPaced(json);
  }

  /** Ends buffering: sends what arrived meanwhile, minus ops the catch-up covered. */
  synchronized void goLive() {
    List<Envelope> pending = buffer;
    buffer = null;
    for (Envelope e : pending) {
      boolean covered =
          caughtUpTo != null && e.opTimestamp() != null && !e.opTimestamp().isAfter(caughtUpTo);
      if (!covered) {
        channel.deliver(e);
      }
    }
  }

  synchronized boolean isLive() {
    return buffer == null;
  }

  public void touch(long nowMillis) {
    lastActivityMillis = nowMillis;
  }

  public long lastActivityMillis() {
    return lastActivityMillis;
  }
}
