package dev.mediasync.store.sqlite;

import dev.mediasync.engine.port.NotificationStore;
import dev.mediasync.testkit.NotificationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteNotificationStoreContractTest extends NotificationStoreContract {

  @TempDir Path dataDir;

  @Override
  protected NotificationStore newStore() {
    return SqliteNotificationStore.open(SqliteOptions.defaults(dataDir));
  }

  @Override
  protected boolean survivesReopen() {
    return true;
  }

  @Override
  protected NotificationStore reopen() {
    return newStore();
  }
}
