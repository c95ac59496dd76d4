package dev.mediasync.store.sqlite;

import dev.mediasync.engine.port.OpStore;
import dev.mediasync.testkit.OpStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteOpStoreContractTest extends OpStoreContract {

  @TempDir Path dataDir;

  @Override
  protected OpStore newStore() {
    return SqliteOpStore.open(dataDir);
  }

  @Override
  protected boolean survivesReopen() {
    return true;
  }

  @Override
  protected OpStore reopen() {
    return SqliteOpStore.open(dataDir);
  }
}
