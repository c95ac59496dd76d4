package dev.mediasync.broker.pubnub;

/** A publish PubNub did not take: too large, refused, given up after retries, or dropped. */
public final class PubNubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public PubNubException(String message, int status) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status PubNub answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }
}
