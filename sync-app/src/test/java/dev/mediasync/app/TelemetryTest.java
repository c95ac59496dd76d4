package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autoconfigured SDK: nothing when tracing is off; an OTLP exporter (JDK sender) when on. */
class TelemetryTest {

  @Test
  void fromEnvironment_tracingOff_buildsNothing() {
    assertThat(Telemetry.fromEnvironment(OpsConfig.fromEnvironment(Map.of()))).isNull();
  }

  @Test
  void fromEnvironment_otlpEndpoint_buildsAnSdkWithTheJdkSender() {
    // Autoconfigure reads system properties as well as the environment; properties keep this
    // test from depending on the JVM's environment.
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.exporter.otlp.protocol", "http/protobuf");
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:9");
    try {
      OpenTelemetrySdk sdk =
          Telemetry.fromEnvironment(
              OpsConfig.fromEnvironment(Map.of("OTEL_TRACES_EXPORTER", "otlp")));
      assertThat(sdk).isNotNull();
      assertThat(sdk.getSdkTracerProvider().toString()).contains("OtlpHttpSpanExporter");
      assertThat(sdk.getSdkTracerProvider().toString()).contains("media-sync");
      sdk.close();
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.exporter.otlp.protocol");
      System.clearProperty("otel.exporter.otlp.endpoint");
    }
  }
}
