package dev.mediasync.testkit;

import dev.mediasync.engine.EngineOptions;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.SyncListener;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.InMemoryPresenceStore;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.protocol.ClientMessage.WatchlistWrite;
import dev.mediasync.protocol.WatchlistOperation;

/** Engines over in-memory ports for the engine's tests, and the writes they make. */
final class TestEngines {
  private TestEngines() {}

  /** A node with default options, an in-memory presence store and no listener. */
  static SyncEngine node(OpStore store, Broker broker, FakeClock clock) {
    return new SyncEngine(
        store,
        broker,
        new InMemoryPresenceStore(),
        clock,
        EngineOptions.defaults(),
        SyncListener.NONE);
  }

  /** Adds {@code contentId} to the watchlist. */
  static WatchlistWrite add(String contentId, String opId) {
    return new WatchlistWrite(WatchlistOperation.ADD, contentId, null, opId, null);
  }
}
