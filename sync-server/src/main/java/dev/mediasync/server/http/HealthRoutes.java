package dev.mediasync.server.http;

import dev.mediasync.engine.SyncEngine;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /health} (liveness: the process serves HTTP; no dependency is asked) and {@code GET
 * /health/ready} (readiness: store, broker and presence store answer; {@code 503} when one does
 * not).
 */
public final class HealthRoutes {
  private final SyncEngine engine;
  private final Responder responder;

  public HealthRoutes(SyncEngine engine, Responder responder) {
    this.engine = engine;
    this.responder = responder;
  }

  public void mount(Router router) {
    router.get("/health").handler(this::live);
    router.get("/health/ready").handler(this::ready);
  }

  private void live(RoutingContext ctx) {
    responder.ok(
        ctx,
        200,
        engine
            .codec()
            .write(
                g -> {
                  g.writeStartObject();
                  g.writeStringField("status", "ok");
                  g.writeNumberField("sessions", engine.hub().sessionCount());
                  g.writeEndObject();
                }));
  }

  private void ready(RoutingContext ctx) {
    Future<Void> store = engine.store().ping();
    Future<Void> broker = engine.broker().ping();
    Future<Void> presence = engine.presenceStore().ping();
    Future.join(store, broker, presence)
        .onComplete(
            r -> {
              boolean ok = store.succeeded() && broker.succeeded() && presence.succeeded();
              responder.ok(
                  ctx,
                  ok ? 200 : 503,
                  engine
                      .codec()
                      .write(
                          g -> {
                            g.writeStartObject();
                            g.writeStringField("status", ok ? "ok" : "unavailable");
                            g.writeObjectFieldStart("checks");
                            g.writeStringField("store", store.succeeded() ? "ok" : "down");
                            g.writeStringField("broker", broker.succeeded() ? "ok" : "down");
                            g.writeStringField("presence", presence.succeeded() ? "ok" : "down");
                            g.writeEndObject();
                            g.writeEndObject();
                          }));
            });
  }
}
