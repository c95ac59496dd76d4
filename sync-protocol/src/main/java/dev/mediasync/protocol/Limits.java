package dev.mediasync.protocol;

import java.util.regex.Pattern;

/** Input limits of the external contract, named once so code and docs point at the same numbers. */
public final class Limits {
  private Limits() {}

  /** Largest accepted request body or WebSocket frame, in bytes (64 KiB). */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;

  /** Deepest accepted JSON nesting. */
  public static final int MAX_JSON_DEPTH = 32;

  /** Longest id (user, device, content, op, preference key). */
  public static final int MAX_ID_LENGTH = 128;

  /** The id alphabet: 1-128 chars of {@code [A-Za-z0-9._:@-]}. */
  public static final Pattern ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /** Largest position or duration in seconds: one year, far past any real media item. */
  public static final double MAX_MEDIA_SECONDS = 365.0 * 24 * 3600;

  /** Largest encoded preference value, in bytes; keeps every op far below PubNub's 32 KiB. */
  public static final int MAX_PREFERENCE_VALUE_BYTES = 16 * 1024;

  /** Most tags one remove may name. */
  public static final int MAX_TAGS_PER_REMOVE = 1024;

  public static boolean isValidId(String id) {
    return id != null && ID_PATTERN.matcher(id).matches();
  }
}
