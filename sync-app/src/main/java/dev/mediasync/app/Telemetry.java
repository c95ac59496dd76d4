package dev.mediasync.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;

/**
 * Builds the OpenTelemetry SDK from the standard {@code OTEL_*} variables (autoconfigure) when
 * {@link OpsConfig#tracing} says tracing is wanted; otherwise nothing is built. Only traces are
 * exported: metrics go to {@code /metrics}, logs to the log.
 */
final class Telemetry {
  private Telemetry() {}

  /** The SDK, or null when tracing is off. The caller closes it at stop. */
  static OpenTelemetrySdk fromEnvironment(OpsConfig ops) {
    if (!ops.tracing()) {
      return null;
    }
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.service.name", "media-sync",
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none"))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  static boolean isNoop(OpenTelemetry otel) {
    return otel == null || otel == OpenTelemetry.noop();
  }
}
