package dev.mediasync.server.http;

import dev.mediasync.protocol.ErrorCode;
import dev.mediasync.protocol.JsonCodec;
import dev.mediasync.protocol.Limits;
import dev.mediasync.protocol.SyncException;
import dev.mediasync.server.auth.Ids;
import dev.mediasync.server.auth.TokenIssuer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;

/**
 * {@code POST /dev/token {"user_id","device_id"}}: a token for any user and device, for the demo
 * page and local experiments. Mounted only when the service made up its own secret (dev mode, no
 * {@code SYNC_JWT_SECRET} or public key): with a configured key the route does not exist (404).
 */
public final class DevTokenRoutes {
  public static final String PATH = "/dev/token";
  static final Duration TTL = Duration.ofDays(1);

  private final TokenIssuer issuer;
  private final JsonCodec codec;
  private final Responder responder;

  public DevTokenRoutes(TokenIssuer issuer, JsonCodec codec, Responder responder) {
    this.issuer = issuer;
    this.codec = codec;
    this.responder = responder;
  }

  public void mount(Router router) {
    router
        .post(PATH)
        .handler(BodyHandler.create(false).setBodyLimit(Limits.MAX_MESSAGE_BYTES))
        .handler(this::issue);
  }

  private void issue(RoutingContext ctx) {
    JsonObject body;
    try {
      String text = Responder.jsonBody(ctx);
      body = text == null ? null : new JsonObject(text);
    } catch (DecodeException e) {
      throw new SyncException(ErrorCode.INVALID_JSON, "body must be a JSON object");
    }
    if (body == null) {
      throw new SyncException(ErrorCode.INVALID_JSON, "body must be a JSON object");
    }
    String user = id(body, "user_id");
    String device = id(body, "device_id");
    String token = issuer.issue(user, device, TTL);
    responder.ok(
        ctx,
        200,
        codec.write(
            g -> {
              g.writeStartObject();
              g.writeStringField("token", token);
              g.writeStringField("user_id", user);
              g.writeStringField("device_id", device);
              g.writeNumberField("expires_in", TTL.toSeconds());
              g.writeEndObject();
            }));
  }

  private static String id(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof String s) || !Ids.isValid(s)) {
      throw SyncException.invalidField(
          field + " must be 1-" + Limits.MAX_ID_LENGTH + " characters of [A-Za-z0-9._:@-]");
    }
    return s;
  }
}
