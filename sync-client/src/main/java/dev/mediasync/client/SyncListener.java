package dev.mediasync.client;

import dev.mediasync.protocol.ClientMessage;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.DeviceOffline;
import dev.mediasync.protocol.ServerMessage.DeviceOnline;
import dev.mediasync.protocol.ServerMessage.HandoffResult;
import dev.mediasync.protocol.ServerMessage.HeartbeatAck;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.Welcome;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.protocol.UserState;
import java.time.Duration;

/**
 * What a {@link SyncClient} reports: one typed callback per server message, plus state and
 * connection changes. Every method has an empty default, so a listener overrides what it needs.
 *
 * <p>All callbacks of one client run on its single callback thread, in the order the events
 * happened, never under the client's lock: a callback may call back into the client. A callback
 * should be quick; one that throws is ignored (the exception is dropped, the other listeners run).
 */
public interface SyncListener {

  default void onConnectionStateChanged(ConnectionState state) {}

  /** The connection was lost or could not be opened; the next attempt runs after {@code delay}. */
  default void onReconnectScheduled(Duration delay, String reason) {}

  default void onWelcome(Welcome welcome) {}

  /** An op of another device (live or catch-up), already applied to {@link SyncClient#state()}. */
  default void onOp(SyncOp op) {}

  /** The server replaced the whole state (its log no longer reached back to our cursor). */
  default void onSnapshot(Snapshot snapshot) {}

  /** The server applied one of this device's writes ({@code duplicate}: it had already). */
  default void onAck(Ack ack) {}

  /** The server refused one of this device's writes for good; it left the outbox. */
  default void onWriteRejected(ClientMessage.Write write, ServerMessage.Error error) {}

  /** An {@code error} message not tied to a pending write. */
  default void onError(ServerMessage.Error error) {}

  default void onHeartbeatAck(HeartbeatAck ack) {}

  default void onDeviceOnline(DeviceOnline event) {}

  default void onDeviceOffline(DeviceOffline event) {}

  default void onDeviceCommand(DeviceCommand command) {}

  default void onHandoffResult(HandoffResult result) {}

  default void onNotification(Notification notification) {}

  /** The visible state changed (a local write, a remote op, an ack or a snapshot). */
  default void onStateChanged(UserState state) {}

  /** A frame the codec could not read (e.g. a newer server's message type); it was skipped. */
  default void onProtocolError(String frame, SyncException error) {}
}
