package dev.mediasync.engine;

import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.DeviceInfo;
import dev.mediasync.engine.port.DeviceStatus;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Online/offline transitions of devices and the messages they cause: a device's first connection
 * sends {@code device_online} to the user's other devices, its last disconnect {@code
 * device_offline}. Several connections of one device are one device.
 */
public final class PresenceService {
  private final PresenceStore presence;
  private final Broker broker;
  private final JsonCodec codec;
  private final PhysicalClock clock;
  private final SyncListener listener;

  public PresenceService(
      PresenceStore presence,
      Broker broker,
      JsonCodec codec,
      PhysicalClock clock,
      SyncListener listener) {
    this.presence = presence;
    this.broker = broker;
    this.codec = codec;
    this.clock = clock;
    this.listener = listener;
  }

  public Future<Void> connected(DeviceChannel channel, DeviceInfo info) {
    Instant now = now();
    return presence
        .connected(channel.userId(), info, channel.connectionId(), now)
        .compose(
            cameOnline -> {
              if (cameOnline) {
                publish(
                    channel.userId(),
                    codec.encode(new DeviceOnline(info.deviceId(), info.name(), info.type(), now)),
                    Route.allExcept(info.deviceId()));
              }
              return Future.succeededFuture();
            });
  }

  public Future<Void> disconnected(DeviceChannel channel, String reason) {
    Instant now = now();
    return presence
        .disconnected(channel.userId(), channel.deviceId(), channel.connectionId(), now)
        .compose(
            wentOffline -> {
              if (wentOffline) {
                publish(
                    channel.userId(),
                    codec.encode(new DeviceOffline(channel.deviceId(), now, reason)),
                    Route.allExcept(channel.deviceId()));
              }
              return Future.succeededFuture();
            });
  }

  public Future<Void> touch(DeviceChannel channel) {
    return presence.touch(channel.userId(), channel.deviceId(), channel.connectionId(), now());
  }

  public Future<List<DeviceStatus>> devices(String userId) {
    return presence.devices(userId);
  }

  public Future<DeviceStatus> device(String userId, String deviceId) {
    return presence.device(userId, deviceId);
  }

  private void publish(String userId, String json, Route route) {
    broker
        .publish(new Envelope(userId, Topic.DEVICES, json, route, null))
        .onFailure(e -> listener.publishFailed(Topic.DEVICES, e));
  }

  private Instant now() {
    return Instant.ofEpochMilli(clock.currentTimeMillis());
  }
}
