package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A device that stops reading is cut off at its outbound bound; nobody else notices. */
class SlowConsumerIT {
  private static final String BIG_VALUE = "\"" + "x".repeat(15_000) + "\"";

  @Test
  void deviceThatDoesNotRead_isDisconnected_othersUnaffected_andCatchesUpOnReconnect()
      throws Exception {
    try (TestServer server = TestServer.start();
        WsClient tv = server.connect("s-slow", "tv");
        Socket stalled = new Socket()) {
      String since =
          server
              .http()
              .put(
                  "/api/v1/sync/preferences/start",
                  server.token("s-slow", "phone"),
                  "{\"value\":1}")
              .json()
              .path("timestamp")
              .asText();
      tv.expectType("preference_update");
      // A raw WebSocket that completes the handshake and then never reads again.
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", server.port()));
      handshake(stalled, server.token("s-slow", "stalled"));
      tv.expectType("device_online");

      String writer = server.token("s-slow", "phone");
      int writes = 400; // 400 x 15 KB = 6 MB: past kernel buffers and the 1 MiB bound
      boolean offlineSeen = false;
      for (int i = 0; i < writes; i++) {
        Http.Resp r =
            server
                .http()
                .put("/api/v1/sync/preferences/k" + i, writer, "{\"value\":" + BIG_VALUE + "}");
        assertThat(r.status()).isEqualTo(200);
      }
      int updates = 0;
      while (updates < writes) {
        JsonNode m = tv.next();
        String type = m.path("type").asText();
        if (type.equals("preference_update")) {
          updates++;
        } else if (type.equals("device_offline")) {
          assertThat(m.path("device_id").asText()).isEqualTo("stalled");
          offlineSeen = true;
        }
      }
      if (!offlineSeen) {
        assertThat(tv.awaitType("device_offline").path("device_id").asText()).isEqualTo("stalled");
      }
      assertThat(tv.isClosed()).isFalse();

      try (WsClient back = server.connect("s-slow", "stalled", "&since=" + since)) {
        int caughtUp = 0;
        while (caughtUp < writes) {
          JsonNode m = back.next();
          if (m.path("type").asText().equals("preference_update")) {
            caughtUp++;
          } else {
            assertThat(m.path("type").asText()).isEqualTo("snapshot");
            assertThat(m.path("state").path("preferences").size()).isEqualTo(writes + 1);
            break;
          }
        }
      }
    }
  }

  private static void handshake(Socket s, String token) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /ws?device_id=stalled HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer "
                + token
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
  }
}
