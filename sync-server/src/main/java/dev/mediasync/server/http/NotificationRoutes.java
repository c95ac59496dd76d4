package dev.mediasync.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mediasync.engine.NotificationService;
import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.JsonCodec.NotificationRequest;
import dev.mediasync.protocol.ServerMessage.Notification;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.metrics.SyncMetrics;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/v1/notifications} (a service: scope {@code notifications:write} or role {@code
 * service}) and {@code GET /api/v1/notifications} (the caller device's unread notifications, or
 * every unexpired one of the user when the caller names no device; listing marks nothing read). See
 * docs/protocol.md, "Notifications".
 */
public final class NotificationRoutes {
  public static final String WRITE_SCOPE = "notifications:write";
  public static final String SERVICE_ROLE = "service";

  private final NotificationService notifications;
  private final JsonCodec codec;
  private final Responder responder;
  private final SyncMetrics metrics;

  public NotificationRoutes(
      NotificationService notifications,
      JsonCodec codec,
      Responder responder,
      SyncMetrics metrics) {
    this.notifications = notifications;
    this.codec = codec;
    this.responder = responder;
    this.metrics = metrics;
  }

  public void mount(Router router) {
    router.post("/api/v1/notifications").handler(this::send);
    router.get("/api/v1/notifications").handler(this::list);
  }

  private void send(RoutingContext ctx) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    if (!caller.principal().hasScope(WRITE_SCOPE) && !caller.principal().hasScope(SERVICE_ROLE)) {
      throw new SyncException(
          ErrorCode.FORBIDDEN,
          "sending notifications needs scope " + WRITE_SCOPE + " or role " + SERVICE_ROLE);
    }
    NotificationRequest req = codec.decodeNotificationBody(Responder.jsonBody(ctx));
    responder.answer(
        ctx,
        201,
        notifications
            .send(
                req.userId(),
                req.kind(),
                req.title(),
                req.body(),
                req.ttlSeconds() == null ? null : Duration.ofSeconds(req.ttlSeconds()))
            .onSuccess(n -> metrics.notificationSent()),
        n -> codec.encode(n));
  }

  private void list(RoutingContext ctx) {
    RequestAuth.Caller caller = ApiRoutes.caller(ctx);
    responder.answer(
        ctx,
        200,
        caller.deviceId() != null
            ? notifications.unread(caller.userId(), caller.deviceId())
            : notifications.list(caller.userId()),
        list -> codec.write(g -> writeList(g, list)));
  }

  private void writeList(JsonGenerator g, List<Notification> list) throws IOException {
    g.writeStartObject();
    g.writeArrayFieldStart("notifications");
    for (Notification n : list) {
      g.writeRawValue(codec.encode(n));
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
