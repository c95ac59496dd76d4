package dev.mediasync.protocol;

/**
 * A failure with a catalogued {@link ErrorCode} and a message safe to show to the client (it never
 * echoes tokens or internal details). Thrown for bad input and for refused operations; the
 * transport maps it to an HTTP answer or a WebSocket {@code error} message.
 */
public class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public SyncException(ErrorCode code, String message) {
    super(message, null, false, false); // expected control flow: no stack trace cost
    this.code = code;
  }

  public SyncException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static SyncException invalidField(String message) {
    return new SyncException(ErrorCode.INVALID_FIELD, message);
  }
}
