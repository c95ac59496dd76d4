package dev.mediasync.engine.port;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link PresenceStore} for one node. Devices are remembered for the life of the process.
 *
 * <p>Thread-safe: every method holds the instance lock briefly. Rule 3 (no ghosts) holds trivially:
 * when this node dies, its presence dies with it.
 */
public final class InMemoryPresenceStore implements PresenceStore {

  private static final class Entry {
    DeviceInfo info;
    final Set<String> connections = new HashSet<>();
    Instant lastSeen;
  }

  // Guarded by this. user -> device -> entry
  private final Map<String, Map<String, Entry>> users = new HashMap<>();

  @Override
  public synchronized Future<Boolean> connected(
      String userId, DeviceInfo info, String connectionId, Instant now) {
    Entry e =
        users
            .computeIfAbsent(userId, k -> new TreeMap<>())
            .computeIfAbsent(info.deviceId(), k -> new Entry());
    e.info = merge(e.info, info);
    e.lastSeen = now;
    boolean wasOffline = e.connections.isEmpty();
    e.connections.add(connectionId);
    return Future.succeededFuture(wasOffline);
  }

  @Override
  public synchronized Future<Boolean> disconnected(
      String userId, String deviceId, String connectionId, Instant now) {
    Entry e = entry(userId, deviceId);
    if (e == null || !e.connections.remove(connectionId)) {
      return Future.succeededFuture(false);
    }
    e.lastSeen = now;
    return Future.succeededFuture(e.connections.isEmpty());
  }

  @Override
  public synchronized Future<Void> touch(
      String userId, String deviceId, String connectionId, Instant now) {
    Entry e = entry(userId, deviceId);
    if (e != null && now.isAfter(e.lastSeen)) {
      e.lastSeen = now;
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<DeviceStatus>> devices(String userId) {
    Map<String, Entry> devices = users.getOrDefault(userId, Map.of());
    List<DeviceStatus> out = new ArrayList<>(devices.size());
    devices.values().forEach(e -> out.add(status(e)));
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<DeviceStatus> device(String userId, String deviceId) {
    Entry e = entry(userId, deviceId);
    return Future.succeededFuture(e == null ? null : status(e));
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  private Entry entry(String userId, String deviceId) {
    Map<String, Entry> devices = users.get(userId);
    return devices == null ? null : devices.get(deviceId);
  }

  private static DeviceStatus status(Entry e) {
    return new DeviceStatus(e.info, !e.connections.isEmpty(), e.lastSeen);
  }

  /** A reconnect without a name or type keeps what the device said before. */
  private static DeviceInfo merge(DeviceInfo old, DeviceInfo now) {
    if (old == null) {
      return now;
    }
    return new DeviceInfo(
        now.deviceId(),
        now.name() != null ? now.name() : old.name(),
        now.type() != null ? now.type() : old.type(),
        now.capabilities().isEmpty() ? old.capabilities() : now.capabilities());
  }
}
