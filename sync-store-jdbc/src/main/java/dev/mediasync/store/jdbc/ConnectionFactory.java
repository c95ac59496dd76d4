package dev.mediasync.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a new connection with the engine's settings (the first one, or a replacement). */
@FunctionalInterface
public interface ConnectionFactory {

  Connection open() throws SQLException;
}
