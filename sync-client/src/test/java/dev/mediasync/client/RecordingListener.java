package dev.mediasync.client;

import dev.mediasync.protocol.ClientMessage;
import dev.mediasync.protocol.ServerMessage;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.HeartbeatAck;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.SyncOp;
import dev.mediasync.protocol.ServerMessage.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures every callback of one client, for assertions. Thread-safe. */
final class RecordingListener implements SyncListener {
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  final List<Duration> reconnectDelays = new CopyOnWriteArrayList<>();
  final List<Welcome> welcomes = new CopyOnWriteArrayList<>();
  final List<SyncOp> ops = new CopyOnWriteArrayList<>();
  final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
  final List<Ack> acks = new CopyOnWriteArrayList<>();
  final List<ServerMessage.Error> errors = new CopyOnWriteArrayList<>();
  final List<ClientMessage.Write> rejected = new CopyOnWriteArrayList<>();
  final List<HeartbeatAck> heartbeatAcks = new CopyOnWriteArrayList<>();
  final List<ServerMessage.DeviceOffline> offline = new CopyOnWriteArrayList<>();

  @Override
  public void onDeviceOffline(ServerMessage.DeviceOffline event) {
    offline.add(event);
  }

  @Override
  public void onConnectionStateChanged(ConnectionState state) {
    states.add(state);
  }

  @Override
  public void onReconnectScheduled(Duration delay, String reason) {
    reconnectDelays.add(delay);
  }

  @Override
  public void onWelcome(Welcome welcome) {
    welcomes.add(welcome);
  }

  @Override
  public void onOp(SyncOp op) {
    ops.add(op);
  }

  @Override
  public void onSnapshot(Snapshot snapshot) {
    snapshots.add(snapshot);
  }

  @Override
  public void onAck(Ack ack) {
    acks.add(ack);
  }

  @Override
  public void onWriteRejected(ClientMessage.Write write, ServerMessage.Error error) {
    rejected.add(write);
  }

  @Override
  public void onError(ServerMessage.Error error) {
    errors.add(error);
  }

  @Override
  public void onHeartbeatAck(HeartbeatAck ack) {
    heartbeatAcks.add(ack);
  }
}
