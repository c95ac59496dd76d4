package dev.mediasync.server.auth;

import dev.mediasync.protocol.Limits;
import java.util.regex.Pattern;

/**
 * The rule for user and device ids: 1 to {@value #MAX_LENGTH} characters of {@code
 * [A-Za-z0-9._:@-]}.
 *
 * <p>Ids taken from tokens ({@code sub}, {@code device_id}) must satisfy it; a token whose ids do
 * not is rejected. The rule itself is {@link Limits#ID_PATTERN}, shared with the codec; this class
 * names it for the auth package.
 */
public final class Ids {

  /** Maximum length of an id, in characters. */
  public static final int MAX_LENGTH = Limits.MAX_ID_LENGTH;

  /** The characters allowed in an id, as a regular-expression character class. */
  public static final String ALLOWED_CHARS = "[A-Za-z0-9._:@-]";

  /** A whole valid id: {@code [A-Za-z0-9._:@-]{1,128}}. */
  public static final Pattern PATTERN = Limits.ID_PATTERN;

  private Ids() {}

  /** Whether {@code id} is a valid id; {@code null} is not. */
  public static boolean isValid(String id) {
    return Limits.isValidId(id);
  }
}
