package dev.mediasync.server.http;

import dev.mediasync.protocol.Limits;
import dev.mediasync.server.metrics.SyncMetrics;
import dev.mediasync.server.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every request: request id ({@code X-Request-Id} if it is a valid id, else a
 * new UUID; echoed in the answer), the HTTP span when tracing is on, and at the end one access-log
 * line and the request metric. The line names the route template, never the query string (a browser
 * WebSocket puts its token there) or any header value.
 */
public final class AccessLog {
  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  public static final String LOGGER = "dev.mediasync.access";
  private static final String SPAN_KEY = "sync.span";
  private static final String REQUEST_ID_KEY = "sync.request_id";
  public static final String JSON_LOGGER = "dev.mediasync.events.json";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final Logger jsonLog = LoggerFactory.getLogger(JSON_LOGGER);

  private final SyncMetrics metrics;
  private final Tracing tracing;
  private final boolean json;

  public AccessLog(SyncMetrics metrics, Tracing tracing, boolean json) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.json = json;
  }

  /** The handler to install first on the router. */
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String given = ctx.request().getHeader(REQUEST_ID_HEADER);
    String requestId =
        given != null && Limits.isValidId(given) ? given : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID_KEY, requestId);
    ctx.response().putHeader(REQUEST_ID_HEADER, requestId);
    String method = ctx.request().method().name();
    String route = RouteTemplates.of(ctx.request().path());
    Span span = null;
    if (tracing.enabled()) {
      span =
          tracing
              .tracer()
              .spanBuilder(method + " " + route)
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.request.method", method)
              .setAttribute("http.route", route)
              .setAttribute("sync.request_id", requestId)
              .startSpan();
      ctx.put(SPAN_KEY, span);
    }
    Span finalSpan = span;
    ctx.addEndHandler(
        r -> {
          int status = ctx.response().getStatusCode();
          long nanos = System.nanoTime() - started;
          metrics.httpRequest(method, route, status, nanos);
          if (finalSpan != null) {
            finalSpan.setAttribute("http.response.status_code", (long) status);
            if (status >= 500) {
              finalSpan.setStatus(StatusCode.ERROR);
            }
            finalSpan.end();
          }
          emit(json, line(method, route, status, nanos, requestId));
        });
    if (span == null) {
      ctx.next();
    } else {
      try (Scope s = span.makeCurrent()) {
        ctx.next();
      }
    }
  }

  /**
   * Makes the request's span current again around the next handlers: a handler that runs after the
   * body was read is a new event-loop task, outside the scope {@link #handle} opened.
   */
  public void rescope(RoutingContext ctx) {
    Span span = ctx.get(SPAN_KEY);
    if (span == null) {
      ctx.next();
      return;
    }
    try (Scope s = span.makeCurrent()) {
      ctx.next();
    }
  }

  public static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID_KEY);
  }

  String line(String method, String route, int status, long nanos, String requestId) {
    String ms = String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    if (json) {
      return "{\"ts\":\""
          + java.time.Instant.now()
          + "\",\"event\":\"http\",\"method\":\""
          + method
          + "\",\"route\":\""
          + route
          + "\",\"status\":"
          + status
          + ",\"duration_ms\":"
          + ms
          + ",\"request_id\":\""
          + requestId
          + "\"}";
    }
    return "http method="
        + method
        + " route="
        + route
        + " status="
        + status
        + " duration_ms="
        + ms
        + " request_id="
        + requestId;
  }

  /**
   * Writes one event line: text through the {@value #LOGGER} logger (stderr, with the other log
   * lines), JSON through {@value #JSON_LOGGER}, which the service's logback.xml writes bare, one
   * object per line on stdout, so a log shipper reads it without a prefix. Both go through
   * asynchronous appenders there: this runs on event loops and must not wait for a slow reader.
   */
  public static void emit(boolean json, String line) {
    if (json) {
      jsonLog.info(line);
    } else {
      log.info(line);
    }
  }

  /** One connection event line (connect, close) in the configured format; ids are valid ids. */
  public static String event(boolean json, String event, String... keyValues) {
    StringBuilder b = new StringBuilder();
    if (json) {
      b.append("{\"ts\":\"").append(java.time.Instant.now()).append("\",\"event\":\"");
      b.append(event).append('"');
      for (int i = 0; i + 1 < keyValues.length; i += 2) {
        b.append(",\"").append(keyValues[i]).append("\":\"").append(keyValues[i + 1]).append('"');
      }
      return b.append('}').toString();
    }
    b.append(event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      b.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
    }
    return b.toString();
  }
}
