package dev.mediasync.engine;

import dev.mediasync.core.HybridClock;
import dev.mediasync.core.PhysicalClock;
import dev.mediasync.engine.port.Broker;
import dev.mediasync.engine.port.OpStore;
import dev.mediasync.engine.port.PresenceStore;
import dev.mediasync.protocol.JsonCodec;

/**
 * The engine's use cases wired to a set of ports. The composition root builds one per node and
 * hands it to the transport; nothing in here names a concrete adapter.
 */
public final class SyncEngine {
  private final OpStore store;
  private final Broker broker;
  private final PresenceStore presenceStore;
  private final JsonCodec codec;
  private final PhysicalClock clock;
  private final EngineOptions options;
  private final SyncService sync;
  private final SessionHub hub;
  private final PresenceService presence;
  private final HandoffService handoff;

  public SyncEngine(
      OpStore store,
      Broker broker,
      PresenceStore presenceStore,
      PhysicalClock clock,
      EngineOptions options,
      SyncListener listener) {
    this.store = store;
    this.broker = broker;
    this.presenceStore = presenceStore;
    this.clock = clock;
    this.options = options;
    this.codec = new JsonCodec();
    HybridClock hlc = new HybridClock(clock, options.maxClockSkewMillis());
    this.sync = new SyncService(store, broker, hlc, codec, options, listener, clock);
    this.hub = new SessionHub(broker, store, sync, codec, clock, options, listener);
    this.presence = new PresenceService(presenceStore, broker, codec, clock, listener);
    this.handoff = new HandoffService(presence, sync, broker, codec, listener);
  }

  /**
   * Drops the cached replicas of users who have no device connected to this node and were not used
   * for {@link SyncService#REPLICA_IDLE_EVICTION}; the transport calls it every 30 s.
   */
  public int evictIdleReplicas() {
    return sync.evictIdleReplicas(hub::hasSessions);
  }

  public SyncService sync() {
    return sync;
  }

  public SessionHub hub() {
    return hub;
  }

  public PresenceService presence() {
    return presence;
  }

  public HandoffService handoff() {
    return handoff;
  }

  public JsonCodec codec() {
    return codec;
  }

  public PhysicalClock clock() {
    return clock;
  }

  public EngineOptions options() {
    return options;
  }

  public OpStore store() {
    return store;
  }

  public Broker broker() {
    return broker;
  }

  public PresenceStore presenceStore() {
    return presenceStore;
  }
}
