package dev.mediasync.engine;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.engine.port.Envelope;
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

  // Guarded by this.
  private List<Envelope> buffer = new ArrayList<>();
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
    } else {
      channel.send(envelope.json());
    }
    return true;
  }

  /** Sends an op during catch-up, before live traffic. */
  synchronized void sendCatchUp(String json, HybridTimestamp ts) {
    channel.send(json);
    caughtUpTo = caughtUpTo == null ? ts : HybridTimestamp.max(caughtUpTo, ts);
  }

  /** Ends buffering: sends what arrived meanwhile, minus ops the catch-up covered. */
  synchronized void goLive() {
    List<Envelope> pending = buffer;
    buffer = null;
    for (Envelope e : pending) {
      boolean covered =
          caughtUpTo != null && e.opTimestamp() != null && !e.opTimestamp().isAfter(caughtUpTo);
      if (!covered) {
        channel.send(e.json());
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
