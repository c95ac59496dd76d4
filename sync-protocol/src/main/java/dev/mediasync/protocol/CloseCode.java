package dev.mediasync.protocol;

/** WebSocket close codes the server sends, with the reason text that goes with them. */
public enum CloseCode {
  NORMAL(1000, "normal closure"),
  GOING_AWAY(1001, "server shutting down"),
  POLICY_VIOLATION(1008, "policy violation"),
  MESSAGE_TOO_BIG(1009, "frame larger than 64 KiB"),
  INTERNAL_ERROR(1011, "internal error"),
  PRESENCE_TIMEOUT(4001, "no frame within the presence timeout"),
  SLOW_CONSUMER(4002, "outbound queue over its bound"),
  ABUSE(4003, "too many requests");

  private final short code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = (short) code;
    this.reason = reason;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
