package dev.mediasync.server.http;

import dev.mediasync.protocol.Limits;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The REST surface: body limit, authentication of {@code /api/*}, the endpoint groups, and the
 * catch-all that turns every failure into the contract's JSON error.
 */
public final class ApiRoutes {
  private static final String CALLER_KEY = "sync.caller";

  private final RequestAuth auth;
  private final ErrorResponses errors;

  public ApiRoutes(RequestAuth auth, ErrorResponses errors) {
    this.auth = auth;
    this.errors = errors;
  }

  /** Installs body handling and authentication for {@code /api/*}; mount endpoints after it. */
  public void mountGuards(Router router) {
    router
        .route("/api/*")
        .handler(
            BodyHandler.create(false)
                .setBodyLimit(Limits.MAX_MESSAGE_BYTES)
                .setHandleFileUploads(false));
    router
        .route("/api/*")
        .handler(
            ctx -> {
              ctx.put(CALLER_KEY, auth.authenticate(ctx.request(), false));
              ctx.next();
            });
  }

  /** Installs the JSON answers for failures and for unknown paths or methods. */
  public void mountFailureHandling(Router router) {
    router
        .route()
        .failureHandler(
            ctx -> {
              if (ctx.failure() != null) {
                errors.send(ctx, ctx.failure());
              } else {
                errors.sendStatus(ctx, ctx.statusCode());
              }
            });
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, ctx -> errors.sendStatus(ctx, status));
    }
  }

  public static RequestAuth.Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER_KEY);
  }
}
