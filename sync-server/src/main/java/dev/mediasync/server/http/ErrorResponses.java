package dev.mediasync.server.http;

import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.auth.AuthenticationException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure into an HTTP answer: status from {@link ErrorCode}, body
 * {@code {"error":{"code","message"}}}. Unexpected exceptions become {@code 500 internal} with a
 * generic message (details go to the log only).
 */
public final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  private final JsonCodec codec;

  public ErrorResponses(JsonCodec codec) {
    this.codec = codec;
  }

  /** Classifies any throwable into a catalogued error. */
  public static SyncException classify(Throwable t) {
    if (t instanceof SyncException se) {
      return se;
    }
    if (t instanceof AuthenticationException ae) {
      return new SyncException(ErrorCode.UNAUTHORIZED, ae.reason().clientMessage());
    }
    log.error("unexpected failure", t);
    return new SyncException(ErrorCode.INTERNAL, "internal error");
  }

  public void send(RoutingContext ctx, Throwable t) {
    SyncException e = classify(t);
    send(ctx, e.code(), e.getMessage());
  }

  public void send(RoutingContext ctx, ErrorCode code, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json");
    if (code == ErrorCode.RATE_LIMITED && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", "1");
    }
    if (code == ErrorCode.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.end(codec.encodeErrorBody(code, message));
  }

  /** Maps Vert.x's own failures (body too large, no route) to the catalogue. */
  public void sendStatus(RoutingContext ctx, int status) {
    switch (status) {
      case 404 -> send(ctx, ErrorCode.NOT_FOUND, "no such endpoint");
      case 405 -> send(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this endpoint");
      case 413 -> send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "body exceeds 65536 bytes");
      case 415 -> send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "body must be application/json");
      case 400 -> send(ctx, ErrorCode.INVALID_JSON, "bad request");
      default -> {
        if (ctx.failure() != null) {
          send(ctx, ctx.failure());
        } else {
          send(ctx, ErrorCode.INTERNAL, "internal error");
        }
      }
    }
  }
}
