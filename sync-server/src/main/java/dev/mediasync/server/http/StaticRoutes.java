package dev.mediasync.server.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Files from the classpath's {@code webroot/}: the browser client at {@code /client/sync-client.js}
 * and the demo page at {@code /demo}. Public, like {@code /health}: they hold no user data (the
 * page asks for a token, or for a dev token when the service runs in dev mode).
 */
public final class StaticRoutes {
  private static final long MAX_AGE_SECONDS = 60;

  private StaticRoutes() {}

  public static void mount(Router router) {
    router.route("/client/*").handler(handler("webroot/client"));
    router.get("/demo").handler(ctx -> ctx.reroute("/demo/index.html"));
    router.route("/demo/*").handler(handler("webroot/demo"));
  }

  private static StaticHandler handler(String root) {
    // A short max-age: a new jar's client is picked up within a minute, not after a day.
    return StaticHandler.create(root)
        .setMaxAgeSeconds(MAX_AGE_SECONDS)
        .setDirectoryListing(false)
        .setIncludeHidden(false);
  }
}
