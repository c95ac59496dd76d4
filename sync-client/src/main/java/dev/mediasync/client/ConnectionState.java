package dev.mediasync.client;

/** Where a {@link SyncClient}'s connection is. */
public enum ConnectionState {
  /** Not connected: before {@link SyncClient#connect()}, or waiting out a backoff delay. */
  DISCONNECTED,
  /** A WebSocket is being opened; the server's {@code welcome} has not arrived yet. */
  CONNECTING,
  /** The server said {@code welcome}: writes flow, the outbox drains. */
  CONNECTED,
  /** {@link SyncClient#close()} was called; terminal. */
  CLOSED
}
