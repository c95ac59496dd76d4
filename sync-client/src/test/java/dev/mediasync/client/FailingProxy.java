package dev.mediasync.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the service that injects network faults: cut every connection, refuse new
 * ones (the device is offline), or swallow everything the server sends (an ack lost on the way).
 * Thread-safe; one thread per direction per connection, fine for tests.
 */
final class FailingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean offline;
  private volatile boolean swallowDownstream;

  FailingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "failing-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Cuts every connection and refuses new ones until {@link #online}. */
  void offline() {
    offline = true;
    cutAll();
  }

  void online() {
    offline = false;
  }

  /** While true, bytes from the server are dropped: the client hears nothing, not even acks. */
  void swallowDownstream(boolean on) {
    swallowDownstream = on;
  }

  void cutAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    closeQuietly(listener);
    cutAll();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (offline) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean downstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (downstream && swallowDownstream) {
                    continue;
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // the other side closed or was cut
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "failing-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
