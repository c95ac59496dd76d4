package dev.mediasync.core;

/** A timestamp string or component that cannot be a {@link HybridTimestamp}. */
public final class InvalidTimestampException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidTimestampException(String message) {
    super(message);
  }
}
