package dev.mediasync.testkit;

import dev.mediasync.engine.port.InMemoryPresenceStore;
import dev.mediasync.engine.port.PresenceStore;

/** The single-node presence store against the contract (the shared-backend tests are skipped). */
class InMemoryPresenceStoreContractTest extends PresenceStoreContract {

  @Override
  protected PresenceStore newStore() {
    return new InMemoryPresenceStore();
  }
}
