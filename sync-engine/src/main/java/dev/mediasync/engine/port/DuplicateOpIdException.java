package dev.mediasync.engine.port;

/** A second op with an op id the user already used (see {@link OpStore} rule 3). */
public final class DuplicateOpIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DuplicateOpIdException(String userId, String opId) {
    super("op_id already used by this user: " + opId);
  }
}
