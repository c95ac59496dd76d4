package dev.mediasync.server.ws;

/**
 * Spreads the server's pings over the heartbeat interval. Each socket belongs to one of {@link
 * #SLOTS} slots (by a hash of its connection id) and each tick, every {@code heartbeat / SLOTS},
 * pings one slot; so every socket is still pinged once per heartbeat, but never all at once.
 *
 * <p>Why: pinging 3,000 sockets in one event-loop turn (and reading their 3,000 pongs) measured as
 * a 200 ms stall of every write on the node once per heartbeat, the largest tail in the latency
 * benchmark. Phoenix and Centrifugo avoid the same burst by timing each connection separately.
 */
final class PingSchedule {
  /** Slots per heartbeat interval: 30 gives one tick per second at the default 30 s heartbeat. */
  static final int SLOTS = 30;

  private long tick;

  /** The slot a connection is pinged in. */
  static int slotOf(String connectionId) {
    return Math.floorMod(connectionId.hashCode(), SLOTS);
  }

  /** The slot to ping now; each call moves on to the next. Called from one timer, in order. */
  int nextSlot() {
    return (int) (tick++ % SLOTS);
  }
}
