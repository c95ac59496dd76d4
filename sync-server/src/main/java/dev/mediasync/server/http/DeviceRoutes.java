package dev.mediasync.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mediasync.engine.HandoffService;
import dev.mediasync.engine.SyncEngine;
import dev.mediasync.engine.port.DeviceStatus;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.JsonCodec.HandoffRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;

/** {@code /api/v1/devices}: the user's devices with presence, and handoff. */
public final class DeviceRoutes {
  private final SyncEngine engine;
  private final JsonCodec codec;
  private final Responder responder;

  public DeviceRoutes(SyncEngine engine, Responder responder) {
    this.engine = engine;
    this.codec = engine.codec();
    this.responder = responder;
  }

  public void mount(Router router) {
    router.get("/api/v1/devices").handler(this::list);
    router.post("/api/v1/devices/handoff").handler(this::handoff);
  }

  private void list(RoutingContext ctx) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    responder.answer(
        ctx,
        200,
        engine.presence().devices(caller.userId()),
        devices -> codec.write(g -> writeDevices(g, devices)));
  }

  private void handoff(RoutingContext ctx) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    HandoffRequest req = codec.decodeHandoffBody(Responder.jsonBody(ctx));
    responder.answer(
        ctx,
        202,
        engine
            .handoff()
            .start(caller.userId(), caller.deviceId(), req.targetDeviceId(), req.contentId()),
        started -> codec.write(g -> writeStarted(g, started, caller.deviceId())));
  }

  private static void writeDevices(JsonGenerator g, List<DeviceStatus> devices) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("devices");
    for (DeviceStatus d : devices) {
      g.writeStartObject();
      g.writeStringField("device_id", d.info().deviceId());
      g.writeBooleanField("online", d.online());
      g.writeStringField("last_seen", d.lastSeen().toString());
      if (d.info().name() != null) {
        g.writeStringField("name", d.info().name());
      }
      if (d.info().type() != null) {
        g.writeStringField("type", d.info().type());
      }
      g.writeArrayFieldStart("capabilities");
      for (String c : d.info().capabilities()) {
        g.writeString(c);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeStarted(JsonGenerator g, HandoffService.Started s, String source)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("handoff_id", s.handoffId());
    g.writeStringField("status", "sent");
    g.writeStringField("target_device_id", s.targetDeviceId());
    if (source != null) {
      g.writeStringField("source_device_id", source);
    }
    g.writeStringField("content_id", s.contentId());
    g.writeFieldName("position_seconds");
    if (s.positionSeconds() == Math.rint(s.positionSeconds())) {
      g.writeNumber((long) s.positionSeconds());
    } else {
      g.writeNumber(s.positionSeconds());
    }
    g.writeEndObject();
  }
}
