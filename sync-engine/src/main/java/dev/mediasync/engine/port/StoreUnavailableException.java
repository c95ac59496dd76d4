package dev.mediasync.engine.port;

/** The backing store cannot take or serve requests right now; retrying later may succeed. */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
