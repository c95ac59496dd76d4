package dev.mediasync.server.http;

import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.WriteResult;
import dev.mediasync.protocol.ClientMessage.Write;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.Limits;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.metrics.WriteOutcomes;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** {@code /api/v1/sync/*}: watchlist, progress and preference writes and reads. */
public final class SyncRoutes {
  private final SyncEngine engine;
  private final JsonCodec codec;
  private final Responder responder;
  private final InFlight inFlight;
  private final String defaultDeviceId;
  private final SyncMetrics metrics;

  public SyncRoutes(
      SyncEngine engine,
      Responder responder,
      InFlight inFlight,
      String defaultDeviceId,
      SyncMetrics metrics) {
    this.metrics = metrics;
    this.engine = engine;
    this.codec = engine.codec();
    this.responder = responder;
    this.inFlight = inFlight;
    this.defaultDeviceId = defaultDeviceId;
  }

  public void mount(Router router) {
    router
        .post("/api/v1/sync/watchlist")
        .handler(ctx -> write(ctx, "watchlist", codec::decodeWatchlistBody));
    router
        .post("/api/v1/sync/progress")
        .handler(ctx -> write(ctx, "progress", codec::decodeProgressBody));
    router
        .put("/api/v1/sync/preferences/:key")
        .handler(
            ctx ->
                write(
                    ctx,
                    "preference",
                    body -> codec.decodePreferenceBody(ctx.pathParam("key"), body)));
    router.get("/api/v1/sync/watchlist").handler(ctx -> read(ctx, codec::encodeWatchlist));
    router.get("/api/v1/sync/preferences").handler(ctx -> read(ctx, codec::encodePreferences));
    router.get("/api/v1/sync/progress").handler(this::readProgress);
  }

  private void write(RoutingContext ctx, String type, Function<String, ? extends Write> decode) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    Write write;
    try {
      write = decode.apply(Responder.jsonBody(ctx));
    } catch (RuntimeException e) {
      metrics.opRejected(type, ErrorResponses.classify(e).code().wireName());
      throw e;
    }
    String device = caller.deviceId() != null ? caller.deviceId() : defaultDeviceId;
    Future<WriteResult> result =
        WriteOutcomes.record(
            metrics, type, inFlight.track(engine.sync().write(caller.userId(), device, write)));
    responder.answer(ctx, 200, result, r -> codec.encodeWriteResult(r.op(), r.opId(), r.applied()));
  }

  private void read(RoutingContext ctx, Function<dev.mediasync.protocol.UserState, String> view) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    responder.answer(ctx, 200, engine.sync().state(caller.userId()), view);
  }

  private void readProgress(RoutingContext ctx) {
    String contentId = ctx.request().getParam("content_id");
    if (contentId != null && !Limits.isValidId(contentId)) {
      throw SyncException.invalidField("content_id must be 1-128 characters of [A-Za-z0-9._:@-]");
    }
    read(ctx, state -> codec.encodeProgress(state, contentId));
  }
}
