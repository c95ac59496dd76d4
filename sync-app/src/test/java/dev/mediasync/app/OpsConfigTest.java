package dev.mediasync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsConfigTest {

  @Test
  void fromEnvironment_empty_givesDocumentedDefaults() {
    OpsConfig c = OpsConfig.fromEnvironment(Map.of());
    assertThat(c.limits().devicePerSecond()).isEqualTo(50);
    assertThat(c.limits().deviceBurst()).isEqualTo(100);
    assertThat(c.limits().userPerSecond()).isEqualTo(200);
    assertThat(c.limits().userBurst()).isEqualTo(400);
    assertThat(c.limits().maxConnectionsPerUser()).isEqualTo(20);
    assertThat(c.limits().connectsPerIpPerSecond()).isEqualTo(50);
    assertThat(c.limits().abuseFactor()).isEqualTo(10);
    assertThat(c.notifications().maxPerUser()).isEqualTo(100);
    assertThat(c.notifications().defaultTtl()).isEqualTo(Duration.ofDays(7));
    assertThat(c.jsonLogs()).isFalse();
    assertThat(c.tracing()).isFalse();
  }

  @Test
  void tracing_onlyWhenAnExporterOrEndpointIsNamed_andNeverWhenDisabled() {
    assertThat(OpsConfig.tracingWanted(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
    assertThat(
            OpsConfig.tracingWanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")))
        .isTrue();
    assertThat(OpsConfig.tracingWanted(Map.of("OTEL_TRACES_EXPORTER", "none"))).isFalse();
    assertThat(
            OpsConfig.tracingWanted(
                Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true")))
        .isFalse();
    assertThat(OpsConfig.tracingWanted(Map.of("OTEL_SERVICE_NAME", "x"))).isFalse();
  }

  @Test
  void fromEnvironment_badValues_stopWithOneLineNamingTheVariable() {
    assertThatThrownBy(
            () -> OpsConfig.fromEnvironment(Map.of("SYNC_RATE_LIMIT_DEVICE_PER_SECOND", "-1")))
        .hasMessageContaining("SYNC_RATE_LIMIT_DEVICE_PER_SECOND");
    assertThatThrownBy(() -> OpsConfig.fromEnvironment(Map.of("SYNC_LOG_FORMAT", "xml")))
        .hasMessageContaining("SYNC_LOG_FORMAT");
    assertThatThrownBy(
            () -> OpsConfig.fromEnvironment(Map.of("SYNC_NOTIFICATION_TTL_SECONDS", "99999999")))
        .hasMessageContaining("SYNC_NOTIFICATION_TTL_SECONDS");
  }

  @Test
  void fromEnvironment_jsonAndLimits_areRead() {
    OpsConfig c =
        OpsConfig.fromEnvironment(
            Map.of(
                "SYNC_LOG_FORMAT", "JSON",
                "SYNC_MAX_CONNECTIONS_PER_USER", "3",
                "SYNC_NOTIFICATIONS_PER_USER", "5"));
    assertThat(c.jsonLogs()).isTrue();
    assertThat(c.limits().maxConnectionsPerUser()).isEqualTo(3);
    assertThat(c.notifications().maxPerUser()).isEqualTo(5);
  }
}
