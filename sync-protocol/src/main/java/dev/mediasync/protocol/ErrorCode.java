package dev.mediasync.protocol;

/**
 * The one error catalogue. Each code carries its wire name (the {@code code} field of every error
 * body and WebSocket {@code error} message), the HTTP status it maps to, and whether retrying the
 * same request later can succeed. Nothing else in the service chooses a status code.
 */
public enum ErrorCode {
  INVALID_JSON("invalid_json", 400, false),
  INVALID_FIELD("invalid_field", 400, false),
  UNKNOWN_TYPE("unknown_type", 400, false),
  UNAUTHORIZED("unauthorized", 401, false),
  FORBIDDEN("forbidden", 403, false),
  NOT_FOUND("not_found", 404, false),
  METHOD_NOT_ALLOWED("method_not_allowed", 405, false),
  DEVICE_OFFLINE("device_offline", 409, true),
  CONFLICT("conflict", 409, false),
  PAYLOAD_TOO_LARGE("payload_too_large", 413, false),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, false),
  RATE_LIMITED("rate_limited", 429, true),
  INTERNAL("internal", 500, true),
  UNAVAILABLE("unavailable", 503, true);

  private final String wireName;
  private final int httpStatus;
  private final boolean retryable;

  ErrorCode(String wireName, int httpStatus, boolean retryable) {
    this.wireName = wireName;
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  public String wireName() {
    return wireName;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean retryable() {
    return retryable;
  }
}
