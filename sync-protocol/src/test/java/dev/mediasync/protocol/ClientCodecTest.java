package dev.mediasync.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mediasync.core.HybridTimestamp;
import dev.mediasync.core.OrSet;
import dev.mediasync.core.Tag;
import dev.mediasync.protocol.ClientMessage.HandoffAck;
import dev.mediasync.protocol.ClientMessage.Heartbeat;
import dev.mediasync.protocol.ClientMessage.PreferenceWrite;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.ServerMessage.Ack;
import dev.mediasync.protocol.ServerMessage.DeviceCommand;
import dev.mediasync.protocol.ServerMessage.Error;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.ServerMessage.Snapshot;
import dev.mediasync.protocol.ServerMessage.WatchlistUpdate;
import dev.mediasync.protocol.ServerMessage.Welcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDK's half of the codec: decoding server messages and encoding device messages. */
class ClientCodecTest {
  private final JsonCodec codec = new JsonCodec();
  private final HybridTimestamp t1 = HybridTimestamp.of(1_735_689_600_000L, 0);
  private final HybridTimestamp t2 = HybridTimestamp.of(1_735_689_601_000L, 7);

  @Test
  void decodeServerMessage_welcome_readsEveryField() {
    ServerMessage m = roundTrip(new Welcome("tv-1", t1, 30, 60, false));
    assertThat(m).isEqualTo(new Welcome("tv-1", t1, 30, 60, false));
  }

  @Test
  void decodeServerMessage_ackWithoutDuplicate_defaultsToFalse() {
    String json =
        "{\"type\":\"ack\",\"op_id\":\"a\",\"timestamp\":\"" + t1 + "\",\"applied\":true}";
    assertThat(codec.decodeServerMessage(json)).isEqualTo(new Ack("a", t1, true, false));
  }

  @Test
  void decodeServerMessage_removeOp_keepsTags() {
    WatchlistUpdate remove =
        new WatchlistUpdate(
            WatchlistOperation.REMOVE, "tmdb:1", t2, "phone", List.of(new Tag(t1, "tv")));
    assertThat(roundTrip(remove)).isEqualTo(remove);
  }

  @Test
  void decodeServerMessage_snapshot_restoresTheState() {
    UserState state =
        UserState.EMPTY
            .apply(new WatchlistUpdate(WatchlistOperation.ADD, "tmdb:1", t1, "tv", null))
            .apply(
                new ServerMessage.ProgressUpdate(
                    "tmdb:1", new Progress(12.5, 100, PlaybackState.PAUSED), t2, "tv"));
    Snapshot s = (Snapshot) roundTrip(new Snapshot(state, t2));
    assertThat(s.state()).isEqualTo(state);
    assertThat(s.state().watchlist()).isEqualTo(state.watchlist());
    assertThat(s.timestamp()).isEqualTo(t2);
  }

  @Test
  void decodeServerMessage_emptySnapshot_isEmptyState() {
    Snapshot s = (Snapshot) roundTrip(new Snapshot(UserState.EMPTY, t1));
    assertThat(s.state().watchlist()).isEqualTo(OrSet.<String>empty());
  }

  @Test
  void decodeServerMessage_optionalFieldsAbsent_areNull() {
    DeviceCommand c = new DeviceCommand("tv", DeviceCommandKind.STOP, null, null, null, null);
    assertThat(roundTrip(c)).isEqualTo(c);
    Notification n = new Notification("n1", "k", "t", null, Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(roundTrip(n)).isEqualTo(n);
  }

  @Test
  void decodeServerMessage_error_mapsTheCatalogue() {
    Error e = new Error(ErrorCode.RATE_LIMITED, "slow down", null);
    assertThat(roundTrip(e)).isEqualTo(e);
  }

  @Test
  void decodeServerMessage_unknownType_isUnknownType() {
    assertThatThrownBy(() -> codec.decodeServerMessage("{\"type\":\"from_the_future\"}"))
        .isInstanceOfSatisfying(
            SyncException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE));
  }

  @Test
  void decodeServerMessage_missingField_isInvalidField() {
    assertThatThrownBy(() -> codec.decodeServerMessage("{\"type\":\"ack\",\"applied\":true}"))
        .isInstanceOfSatisfying(
            SyncException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    assertThatThrownBy(
            () ->
                codec.decodeServerMessage(
                    "{\"type\":\"error\",\"code\":\"nope\",\"message\":\"\"}"))
        .isInstanceOf(SyncException.class);
  }

  @Test
  void decodeServerMessage_notJson_isInvalidJson() {
    assertThatThrownBy(() -> codec.decodeServerMessage("hb"))
        .isInstanceOfSatisfying(
            SyncException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON));
  }

  @Test
  void encodeClientMessage_everyWrite_decodesToItself() {
    List<ClientMessage> messages =
        List.of(
            new WatchlistWrite(WatchlistOperation.ADD, "tmdb:1", null, "op-1", t1),
            new WatchlistWrite(
                WatchlistOperation.REMOVE, "tmdb:1", List.of(new Tag(t1, "tv")), "op-2", t2),
            new WatchlistWrite(WatchlistOperation.REMOVE, "tmdb:1", null, null, null),
            new WatchlistWrite(WatchlistOperation.REMOVE, "tmdb:1", List.of(), "op-3", null),
            new ProgressWrite("tmdb:1", new Progress(1.25, 90, PlaybackState.PLAYING), null, t1),
            new PreferenceWrite("theme", new RawJson("[1,\"x\",null]"), "op-4", null),
            new PreferenceWrite("k", new RawJson("null"), "op-5", t2),
            new Heartbeat(),
            new HandoffAck("h1", HandoffStatus.REJECTED, "busy"),
            new HandoffAck("h1", HandoffStatus.ACCEPTED, null));
    for (ClientMessage m : messages) {
      assertThat(codec.decodeClientFrame(codec.encodeClientMessage(m))).isEqualTo(m);
    }
  }

  @Test
  void encodeClientMessage_heartbeat_isTheMinimalFrame() {
    assertThat(codec.encodeClientMessage(new Heartbeat())).isEqualTo("{\"type\":\"heartbeat\"}");
  }

  private ServerMessage roundTrip(ServerMessage m) {
    return codec.decodeServerMessage(codec.encode(m));
  }
}
