package dev.mediasync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.WriteResult;
import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.InProcessBroker;
import dev.mediasync.protocol.ClientMessage.ProgressWrite;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.PlaybackState;
import dev.mediasync.protocol.Progress;
import dev.mediasync.protocol.SyncException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/**
 * A retried {@code op_id} gets the first answer whether the engine still remembers it or only the
 * store does (the engine keeps the answers to a user's last 64 op ids in memory).
 */
class OpIdRetryTest {
  final SyncEngine node =
      TestEngines.node(
          new InMemoryOpStore(), new InProcessBroker(), new FakeClock(1_700_000_000_000L));

  static ProgressWrite progress(String content, long position, String opId) {
    return new ProgressWrite(
        content, new Progress(position, 7_200, PlaybackState.PLAYING), opId, null);
  }

  @Test
  void retryOfAnOldOpId_isAnsweredFromTheStore_withTheFirstOp() {
    WriteResult first = await(node.sync().write("alice", "phone", progress("tmdb:1", 10, "op-0")));
    for (int i = 1; i <= 200; i++) {
      await(node.sync().write("alice", "tv", progress("tmdb:" + (i % 7), i, "op-" + i)));
    }

    WriteResult retry = await(node.sync().write("alice", "phone", progress("tmdb:1", 10, "op-0")));

    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.op()).isEqualTo(first.op());
    // Nothing was written again: the newest progress of tmdb:1 is still the later write's.
    assertThat(await(node.sync().state("alice")).progress().get("tmdb:1").value().positionSeconds())
        .isEqualTo(197.0);
    WriteResult recent = await(node.sync().write("alice", "tv", progress("tmdb:4", 200, "op-200")));
    assertThat(recent.duplicate()).isTrue(); // still remembered: answered without the store
  }

  @Test
  void oldOpIdReusedForAnotherWrite_isAConflict_andChangesNothing() {
    await(node.sync().write("alice", "phone", progress("tmdb:1", 10, "op-0")));
    for (int i = 1; i <= 100; i++) {
      await(node.sync().write("alice", "tv", progress("tmdb:2", i, "op-" + i)));
    }

    Throwable failure =
        Await.failure(node.sync().write("alice", "phone", progress("tmdb:9", 99, "op-0")), 10);

    assertThat(failure).isInstanceOf(SyncException.class);
    assertThat(((SyncException) failure).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(await(node.sync().state("alice")).progress().get("tmdb:9")).isNull();
  }

  static <T> T await(Future<T> f) {
    return Await.result(f, 10);
  }
}
