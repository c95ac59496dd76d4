package dev.mediasync.testkit;

import dev.mediasync.engine.port.InMemoryNotificationStore;
import dev.mediasync.engine.port.NotificationStore;

class InMemoryNotificationStoreContractTest extends NotificationStoreContract {

  @Override
  protected NotificationStore newStore() {
    return new InMemoryNotificationStore();
  }
}
