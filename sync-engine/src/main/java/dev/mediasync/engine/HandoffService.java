package dev.mediasync.engine;

import dev.mediasync.core.LwwRegister;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.Envelope;
import dev.mediasync.engine.port.Route;
import dev.mediasync.engine.port.Topic;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.DeviceCommandKind;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.Progress;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.SyncException;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * "Continue on the TV": sends the target a {@code play} at the position of the progress register
 * and the source a {@code pause}; relays the target's {@code handoff_ack} to the other devices as
 * {@code handoff_result}. Stateless, so it works whichever nodes the devices are on.
 */
public final class HandoffService {
  private final PresenceService presence;
  private final SyncService sync;
  private final Broker broker;
  private final JsonCodec codec;
  private final SyncListener listener;

  /** What a handoff sent. */
  public record Started(
      String handoffId, String targetDeviceId, String contentId, double positionSeconds) {}

  public HandoffService(
      PresenceService presence,
      SyncService sync,
      Broker broker,
      JsonCodec codec,
      SyncListener listener) {
    this.presence = presence;
    this.sync = sync;
    this.broker = broker;
    this.codec = codec;
    this.listener = listener;
  }

  /**
   * Starts a handoff from {@code sourceDeviceId} (null if the caller has no device) to a device of
   * the same user. Unknown target: {@code not_found}; offline target: {@code device_offline}.
   */
  public Future<Started> start(
      String userId, String sourceDeviceId, String targetDeviceId, String contentId) {
    return presence
        .device(userId, targetDeviceId)
        .compose(
            target -> {
              if (target == null) {
                return Future.failedFuture(
                    new SyncException(ErrorCode.NOT_FOUND, "no such device: " + targetDeviceId));
              }
              if (!target.online()) {
                return Future.failedFuture(
                    new SyncException(
                        ErrorCode.DEVICE_OFFLINE, "device is offline: " + targetDeviceId));
              }
              return sync.state(userId);
            })
        .map(
            state -> {
              LwwRegister<Progress> reg = state.progress().get(contentId);
              double position = reg == null ? 0 : reg.value().positionSeconds();
              String handoffId = UUID.randomUUID().toString();
              send(
                  userId,
                  new DeviceCommand(
                      targetDeviceId,
                      DeviceCommandKind.PLAY,
                      contentId,
                      position,
                      sourceDeviceId,
                      handoffId),
                  Route.only(targetDeviceId));
              if (sourceDeviceId != null && !sourceDeviceId.equals(targetDeviceId)) {
                send(
                    userId,
                    new DeviceCommand(
                        sourceDeviceId,
                        DeviceCommandKind.PAUSE,
                        contentId,
                        position,
                        sourceDeviceId,
                        handoffId),
                    Route.only(sourceDeviceId));
              }
              return new Started(handoffId, targetDeviceId, contentId, position);
            });
  }

  /** The target reports the outcome; every other device of the user hears it. */
  public void acknowledge(String userId, String targetDeviceId, HandoffAck ack) {
    broker
        .publish(
            new Envelope(
                userId,
                Topic.DEVICES,
                codec.encode(
                    new HandoffResult(ack.handoffId(), targetDeviceId, ack.status(), ack.reason())),
                Route.allExcept(targetDeviceId),
                null))
        .onFailure(e -> listener.publishFailed(Topic.DEVICES, e));
  }

  private void send(String userId, DeviceCommand command, Route route) {
    broker
        .publish(new Envelope(userId, Topic.DEVICES, codec.encode(command), route, null))
        .onFailure(e -> listener.publishFailed(Topic.DEVICES, e));
  }
}
