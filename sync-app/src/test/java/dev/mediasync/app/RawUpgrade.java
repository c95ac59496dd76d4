package dev.mediasync.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket upgrade request over a plain socket, so a test sees the whole HTTP answer to a
 * refused upgrade (status, headers, JSON body), which the JDK WebSocket client does not expose.
 */
final class RawUpgrade {
  private RawUpgrade() {}

  /** An HTTP answer read off a raw socket. */
  record RawResp(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends a real WebSocket upgrade request over a plain socket and reads the HTTP answer. */
  static RawResp upgrade(int port, String pathAndQuery, String authorization) throws IOException {
    return upgrade(port, pathAndQuery, authorization, "dGhlIHNhbXBsZSBub25jZQ==", "13");
  }

  static RawResp upgrade(
      int port, String pathAndQuery, String authorization, String key, String version)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      StringBuilder req =
          new StringBuilder()
              .append("GET ")
              .append(pathAndQuery)
              .append(" HTTP/1.1\r\n")
              .append("Host: 127.0.0.1:")
              .append(port)
              .append("\r\n")
              .append("Upgrade: websocket\r\n")
              .append("Connection: Upgrade\r\n")
              .append(key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n")
              .append(version == null ? "" : "Sec-WebSocket-Version: " + version + "\r\n");
      if (authorization != null) {
        req.append("Authorization: ").append(authorization).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4
            && h[n - 4] == '\r'
            && h[n - 3] == '\n'
            && h[n - 2] == '\r'
            && h[n - 1] == '\n') {
          break;
        }
      }
      String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      if (status == 101) {
        return new RawResp(status, headers, "");
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new RawResp(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }
}
