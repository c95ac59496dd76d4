/**
 * The Java SDK of the sync service: {@link dev.mediasync.client.SyncClient} keeps a local replica
 * of one user's state in sync over the WebSocket protocol, with an outbox for offline writes,
 * reconnect with backoff, and typed callbacks ({@link dev.mediasync.client.SyncListener}).
 *
 * <p>Depends only on {@code sync-protocol} (the one codec and {@code UserState.apply}, the same
 * CRDT code the server runs) and the JDK's {@code java.net.http}.
 */
package dev.mediasync.client;
