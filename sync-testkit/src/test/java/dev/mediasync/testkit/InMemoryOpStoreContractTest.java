package dev.mediasync.testkit;

import dev.mediasync.engine.port.InMemoryOpStore;
import dev.mediasync.engine.port.OpStore;

/**
 * The reference store against the contract. It lives here rather than in sync-engine because
 * sync-testkit depends on sync-engine: a test dependency the other way is a reactor cycle.
 */
class InMemoryOpStoreContractTest extends OpStoreContract {

  @Override
  protected OpStore newStore() {
    return new InMemoryOpStore();
  }
}
