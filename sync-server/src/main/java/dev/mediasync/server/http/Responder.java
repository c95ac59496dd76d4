package dev.mediasync.server.http;

import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.SyncException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Small helpers every REST handler uses to answer JSON and to route failures to one place. */
public final class Responder {
  private final ErrorResponses errors;

  public Responder(ErrorResponses errors) {
    this.errors = errors;
  }

  public ErrorResponses errors() {
    return errors;
  }

  /** Answers {@code status} with {@code json} when {@code future} succeeds, else the error. */
  public <T> void answer(
      RoutingContext ctx, int status, Future<T> future, Function<T, String> json) {
    // Futures may complete on a store thread; answer on the request's own event loop.
    Context context = Vertx.currentContext();
    future.onComplete(
        r -> {
          if (context != null && Vertx.currentContext() != context) {
            context.runOnContext(v -> complete(ctx, status, r, json));
          } else {
            complete(ctx, status, r, json);
          }
        });
  }

  private <T> void complete(
      RoutingContext ctx, int status, AsyncResult<T> r, Function<T, String> json) {
    if (r.failed()) {
      errors.send(ctx, r.cause());
      return;
    }
    String body;
    try {
      body = json.apply(r.result());
    } catch (RuntimeException e) {
      errors.send(ctx, e);
      return;
    }
    ok(ctx, status, body);
  }

  public void ok(RoutingContext ctx, int status, String json) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(json);
  }

  /** The request body as text, refusing a wrong content type with {@code 415}. */
  public static String jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !mediaType(type).equals("application/json")) {
      throw new SyncException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "body must be application/json");
    }
    return ctx.body() == null ? null : ctx.body().asString();
  }

  private static String mediaType(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(java.util.Locale.ROOT);
  }
}
