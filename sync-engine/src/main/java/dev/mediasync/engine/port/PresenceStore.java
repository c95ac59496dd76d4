package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Which devices of a user are known and which are connected, across every node. Adapters: in-memory
 * (one node) and Redis (shared).
 *
 * <p>Every adapter MUST:
 *
 * <ol>
 *   <li><b>Count connections, not devices.</b> A device with several connections (on one or more
 *       nodes) is one device; it is online while any connection is open.
 *   <li><b>Report transitions exactly.</b> {@link #connected} answers true only when the device
 *       went from offline to online, {@link #disconnected} only when its last connection closed, so
 *       each transition produces one {@code device_online}/{@code device_offline}.
 *   <li><b>No ghosts.</b> Connections held by a node that stopped refreshing them (it died) stop
 *       counting within the presence timeout.
 *   <li><b>Never block the caller</b>; futures may complete on any thread.
 * </ol>
 */
public interface PresenceStore {

  /** A connection of {@code info.deviceId()} opened. True if the device just came online. */
  Future<Boolean> connected(String userId, DeviceInfo info, String connectionId, Instant now);

  /** A connection closed. True if it was the device's last one (the device is now offline). */
  Future<Boolean> disconnected(String userId, String deviceId, String connectionId, Instant now);

  /** Records activity of a connection (any frame received). */
  Future<Void> touch(String userId, String deviceId, String connectionId, Instant now);

  /** Every known device of the user, sorted by device id. */
  Future<List<DeviceStatus>> devices(String userId);

  /** One device, or null if the user has never connected it. */
  Future<DeviceStatus> device(String userId, String deviceId);

  Future<Void> ping();
}
