package dev.mediasync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.PlaybackState;
import dev.mediasync.protocol.Progress;
import dev.mediasync.protocol.ServerMessage.ProgressUpdate;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.UserState;
import dev.mediasync.protocol.WatchlistOperation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The confirmed-plus-outbox layering of the local state, without a network. */
class ReplicaTest {
  private static final String ME = "phone";
  private final Replica replica = new Replica(ME);

  @Test
  void enqueue_add_isVisibleAtOnce_butNotConfirmed() {
    replica.enqueue(add("op-1", ts(10)));
    assertThat(replica.visible().watchlist().contains("x")).isTrue();
    assertThat(replica.confirmed().watchlist().contains("x")).isFalse();
  }

  @Test
  void acknowledge_add_replacesTheProvisionalTagWithTheServersTag() {
    replica.enqueue(add("op-1", ts(10)));
    replica.acknowledge("op-1", ts(12));
    assertThat(replica.outbox()).isEmpty();
    assertThat(replica.visible().watchlist().tags("x")).containsExactly(new Tag(ts(12), ME));
    assertThat(replica.visible()).isEqualTo(replica.confirmed());
  }

  @Test
  void acknowledge_twice_appliesOnce() {
    replica.enqueue(add("op-1", ts(10)));
    assertThat(replica.acknowledge("op-1", ts(12))).isNotNull();
    assertThat(replica.acknowledge("op-1", ts(12))).isNull();
    assertThat(replica.visible().watchlist().tags("x")).hasSize(1);
  }

  @Test
  void planRemove_ofConfirmedItem_namesItsServerTags() {
    replica.applyRemote(new WatchlistUpdate(WatchlistOperation.ADD, "x", ts(5), "tv", null));
    PendingWrite remove = replica.planRemove(removeWrite("op-2"), ts(10));
    assertThat(((WatchlistWrite) remove.write()).tags()).containsExactly(new Tag(ts(5), "tv"));
    assertThat(remove.sendable()).isTrue();
  }

  @Test
  void planRemove_ofOwnPendingAdd_waitsForItsAck_thenNamesTheServerTag() {
    replica.enqueue(add("op-1", ts(10)));
    PendingWrite remove = replica.planRemove(removeWrite("op-2"), ts(11));
    replica.enqueue(remove);
    assertThat(remove.sendable()).isFalse();
    assertThat(replica.visible().watchlist().contains("x")).isFalse();

    replica.acknowledge("op-1", ts(20));

    PendingWrite resolved = replica.pending("op-2");
    assertThat(resolved.sendable()).isTrue();
    assertThat(((WatchlistWrite) resolved.write()).tags()).containsExactly(new Tag(ts(20), ME));
    assertThat(replica.visible().watchlist().contains("x")).isFalse();
  }

  @Test
  void remoteAdd_concurrentWithPendingRemove_survives() {
    replica.applyRemote(new WatchlistUpdate(WatchlistOperation.ADD, "x", ts(5), "tv", null));
    replica.enqueue(replica.planRemove(removeWrite("op-2"), ts(10)));
    replica.applyRemote(new WatchlistUpdate(WatchlistOperation.ADD, "x", ts(8), "tablet", null));
    assertThat(replica.visible().watchlist().contains("x")).isTrue();
    replica.acknowledge("op-2", ts(30));
    assertThat(replica.visible().watchlist().tags("x")).containsExactly(new Tag(ts(8), "tablet"));
  }

  @Test
  void snapshot_replacesConfirmed_keepsTheOutboxOnTop() {
    replica.enqueue(progress("op-1", ts(10), 42));
    UserState server =
        UserState.EMPTY.apply(new WatchlistUpdate(WatchlistOperation.ADD, "y", ts(3), "tv", null));
    replica.replace(new Snapshot(server, ts(3)));
    assertThat(replica.confirmed()).isEqualTo(server);
    assertThat(replica.visible().progress().get("c").value().positionSeconds()).isEqualTo(42);
    assertThat(replica.cursor()).isEqualTo(ts(3));
  }

  @Test
  void remoteLaterWrite_beatsAPendingEarlierOne() {
    replica.enqueue(progress("op-1", ts(10), 42));
    replica.applyRemote(
        new ProgressUpdate("c", new Progress(7, 100, PlaybackState.PAUSED), ts(11), "tv"));
    assertThat(replica.visible().progress().get("c").value().positionSeconds()).isEqualTo(7);
    assertThat(replica.cursor()).isEqualTo(ts(11));
  }

  @Test
  void reject_dropsTheWrite_andTheRemoveWaitingForIt() {
    replica.enqueue(add("op-1", ts(10)));
    replica.enqueue(replica.planRemove(removeWrite("op-2"), ts(11)));
    replica.reject("op-1");
    assertThat(replica.pending("op-2").sendable()).isTrue();
    assertThat(replica.visible())
        .isEqualTo(
            UserState.EMPTY.apply(
                new WatchlistUpdate(WatchlistOperation.REMOVE, "x", ts(11), ME, List.of())));
  }

  private static HybridTimestamp ts(long millis) {
    return HybridTimestamp.of(1_700_000_000_000L + millis, 0);
  }

  private static PendingWrite add(String opId, HybridTimestamp ts) {
    return new PendingWrite(
        new WatchlistWrite(WatchlistOperation.ADD, "x", null, opId, ts), ts, Map.of());
  }

  private static WatchlistWrite removeWrite(String opId) {
    return new WatchlistWrite(WatchlistOperation.REMOVE, "x", List.of(), opId, null);
  }

  private static PendingWrite progress(String opId, HybridTimestamp ts, double position) {
    return new PendingWrite(
        new ProgressWrite("c", new Progress(position, 100, PlaybackState.PLAYING), opId, ts),
        ts,
        Map.of());
  }
}
